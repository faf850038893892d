from __future__ import annotations

from django.urls import path

from evaluations import services, views
from evaluations.selectors import visible_evaluations, visible_follow_up_actions
from tcp.views import transition

app_name = "evaluations"

urlpatterns = [
    path("", views.evaluation_list, name="list"),
    path("<int:pk>/", views.evaluation_detail, name="detail"),
    path(
        "<int:pk>/transition/",
        transition,
        {
            "selector": visible_evaluations,
            "lifecycle": services.LIFECYCLE,
            "perform": services.perform,
            "permission": views.VIEW,
        },
        name="transition",
    ),
    path("follow-ups/", views.follow_up_list, name="follow_up_list"),
    path("follow-ups/<int:pk>/", views.follow_up_detail, name="follow_up_detail"),
    path(
        "follow-ups/<int:pk>/transition/",
        transition,
        {
            "selector": visible_follow_up_actions,
            "lifecycle": services.FOLLOW_UP_LIFECYCLE,
            "perform": services.perform_follow_up,
            "permission": views.VIEW_FOLLOW_UP,
            # Posted from the evaluation's page, it returns to the action there.
            "anchor": lambda action: f"follow-up-{action.pk}",
        },
        name="follow_up_transition",
    ),
]

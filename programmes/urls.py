from __future__ import annotations

from django.urls import path

from programmes import services, views
from programmes.selectors import visible_components, visible_programmes
from tcp.views import transition

app_name = "programmes"

VIEW = "programmes.view_programme"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path(
        "<int:pk>/transition/",
        transition,
        {
            "selector": visible_programmes,
            "lifecycle": services.LIFECYCLE,
            "perform": services.perform,
            "permission": VIEW,
        },
        name="transition",
    ),
    path("<int:pk>/accept/", views.programme_accept, name="accept"),
    path(
        "components/<int:pk>/transition/",
        transition,
        {
            "selector": visible_components,
            "lifecycle": services.COMPONENT_LIFECYCLE,
            "perform": services.perform_component,
            "permission": VIEW,
            "anchor": lambda component: f"component-{component.pk}",
        },
        name="component_transition",
    ),
]

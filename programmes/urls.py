from __future__ import annotations

from django.urls import path

from programmes import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="list"),
    path("<int:pk>/", views.programme_detail, name="detail"),
    path("<int:pk>/transition/", views.programme_transition, name="transition"),
    path(
        "components/<int:pk>/transition/",
        views.component_transition,
        name="component_transition",
    ),
]

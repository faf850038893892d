"""The programme pages: each views module lists its own URLs; transitions post to
the core's one transition view."""

from __future__ import annotations

from django.urls import path

from programmes import amendments, budget, implementation, services
from programmes.selectors import (
    visible_activities,
    visible_amendments,
    visible_components,
    visible_expenditure,
    visible_programmes,
)
from programmes.views import document, iati, money, parts, programme
from tcp.views import transition

app_name = "programmes"

VIEW = "programmes.view_programme"


def _transition(selector, lifecycle, perform, **extra):
    return {
        "selector": selector,
        "lifecycle": lifecycle,
        "perform": perform,
        "permission": VIEW,
        **extra,
    }


urlpatterns = [
    path(
        "<int:pk>/transition/",
        transition,
        _transition(visible_programmes, services.LIFECYCLE, services.perform),
        name="transition",
    ),
    path(
        "components/<int:pk>/transition/",
        transition,
        _transition(
            visible_components,
            services.COMPONENT_LIFECYCLE,
            services.perform_component,
            anchor=lambda component: f"component-{component.pk}",
        ),
        name="component_transition",
    ),
    path(
        "activities/<int:pk>/transition/",
        transition,
        _transition(
            visible_activities,
            implementation.ACTIVITY_LIFECYCLE,
            implementation.perform_activity,
        ),
        name="activity_transition",
    ),
    path(
        "expenditure/<int:pk>/transition/",
        transition,
        _transition(
            visible_expenditure,
            budget.EXPENDITURE_LIFECYCLE,
            budget.perform_expenditure,
            anchor=lambda entry: f"expenditure-{entry.pk}",
        ),
        name="expenditure_transition",
    ),
    path(
        "amendments/<int:pk>/transition/",
        transition,
        _transition(visible_amendments, amendments.LIFECYCLE, amendments.perform),
        name="amendment_transition",
    ),
    *programme.urlpatterns,
    *iati.urlpatterns,
    *document.urlpatterns,
    *parts.urlpatterns,
    *money.urlpatterns,
]

"""The exports of the programme list and the activity list (CSV and XLSX),
through each list's own selector and filters.

An activity names its programme (and the programme's countries) only if the
user may open that programme, as the list does.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from programmes.models import Activity, Programme
from programmes.selectors import visible_activities, visible_programmes
from tcp import exports
from tcp.exports import ExportColumn as C
from tcp.models import Region
from tcp.views import filter_list, openable

VIEW = "programmes.view_programme"
REGIONS = dict(Region.choices)


def _names(related: Any) -> str:
    return "; ".join(item.translated_name for item in related.all())


def programme_rows(user: Any, params: QueryDict) -> QuerySet[Programme]:
    from programmes.views.programme import LIST

    queryset = visible_programmes(user).prefetch_related("countries")
    return filter_list(user, params, queryset, LIST).queryset


PROGRAMME_COLUMNS = (
    C(_("Reference"), lambda p, c: p.reference, 20),
    C(_("Title"), lambda p, c: p.title, 50),
    C(_("Scope"), lambda p, c: p.get_scope_display(), 12),
    C(_("Region"), lambda p, c: REGIONS.get(p.region, p.region), 20),
    C(_("Countries"), lambda p, c: _names(p.countries), 30),
    C(_("Status"), lambda p, c: p.get_status_display(), 16),
    C(_("Start"), lambda p, c: p.start_date, 12),
    C(_("End"), lambda p, c: p.end_date, 12),
    C(_("Implementing modality"), lambda p, c: p.get_implementing_modality_display(), 24),
)


def activity_rows(user: Any, params: QueryDict) -> QuerySet[Activity]:
    from programmes.forms.parts import ActivityFilterForm
    from programmes.views.parts import ACTIVITY_LIST

    queryset = ActivityFilterForm(params or None).filter(
        visible_activities(user)
        .select_related("component__programme", "form")
        .prefetch_related("component__programme__countries")
    )
    return filter_list(user, params, queryset, ACTIVITY_LIST).queryset


def _programme_open(a: Activity, context: dict) -> bool:
    return a.component.programme_id in context["programmes"]


ACTIVITY_COLUMNS = (
    C(_("Activity"), lambda a, c: a.title, 50),
    C(_("Place"), lambda a, c: a.place, 20),
    C(
        _("Programme"),
        lambda a, c: a.component.programme.reference if _programme_open(a, c) else "",
        20,
    ),
    C(
        _("Countries"),
        lambda a, c: _names(a.component.programme.countries) if _programme_open(a, c) else "",
        30,
    ),
    C(_("Form of assistance"), lambda a, c: a.form.translated_name, 30),
    C(_("Audience"), lambda a, c: a.get_audience_display(), 20),
    C(_("Starts"), lambda a, c: a.start_date, 12),
    C(_("Ends"), lambda a, c: a.end_date, 12),
    C(_("Status"), lambda a, c: a.get_status_display(), 14),
    C(_("Women"), lambda a, c: a.participants_women, 10),
    C(_("Men"), lambda a, c: a.participants_men, 10),
    C(_("Other"), lambda a, c: a.participants_other, 10),
    C(_("Participants"), lambda a, c: a.participants, 12),
)


def _activity_context(user: Any, chunk: list[Activity]) -> dict[str, Any]:
    ids = (a.component.programme_id for a in chunk)
    return {"programmes": openable(visible_programmes(user), ids)}


def register() -> None:
    exports.register(
        exports.ListExport(
            code="programmes",
            title=_("Programmes"),
            allowed=lambda user: user.has_perm(VIEW),
            rows=programme_rows,
            columns=lambda user: PROGRAMME_COLUMNS,
            list_url_name="programmes:list",
        )
    )
    exports.register(
        exports.ListExport(
            code="activities",
            title=_("Activities"),
            allowed=lambda user: user.has_perm(VIEW),
            rows=activity_rows,
            columns=lambda user: ACTIVITY_COLUMNS,
            context=_activity_context,
            list_url_name="programmes:activity_list",
        )
    )

"""The export of the assessment list (CSV and XLSX), through the list's own
selector and filters."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import NeedsAssessment
from assessments.selectors import visible_assessments
from tcp import exports
from tcp.exports import ExportColumn as C
from tcp.views import filter_list

VIEW = "assessments.view_needsassessment"
S = NeedsAssessment.Status
OPEN = (S.PLANNED, S.IN_PROGRESS)


def assessment_rows(user: Any, params: QueryDict) -> QuerySet[NeedsAssessment]:
    from assessments.views.lists import LIST

    queryset = visible_assessments(user).select_related("country")
    return filter_list(user, params, queryset, LIST).queryset


def _overdue(a: NeedsAssessment, context: dict) -> bool:
    return a.status in OPEN and a.due_date < context["today"]


COLUMNS = (
    C(_("Reference"), lambda a, c: a.reference, 20),
    C(_("Title"), lambda a, c: a.title, 50),
    C(_("Country"), lambda a, c: a.country.translated_name, 20),
    C(_("Mode"), lambda a, c: a.get_mode_display(), 20),
    C(_("Status"), lambda a, c: a.get_status_display(), 16),
    C(_("Findings due"), lambda a, c: a.due_date, 12),
    C(_("Overdue"), _overdue, 10),
    C(_("Created"), lambda a, c: a.created_at, 18),
)


def register() -> None:
    exports.register(
        exports.ListExport(
            code="assessments",
            title=_("Needs assessments"),
            allowed=lambda user: user.has_perm(VIEW),
            rows=assessment_rows,
            columns=lambda user: COLUMNS,
            context=lambda user, chunk: {"today": timezone.localdate()},
            list_url_name="assessments:list",
        )
    )

"""The programme document as a PDF report (``tcp.reports``, kind ``programme``).

The PDF holds what the programme document page shows its reader: the same
context (``document_context``), through the same selectors. OHCHR readers get
an internal annex after it (budget against expenditure, reviews, amendments,
grants); a government's PDF has no annex at all, as its page has none.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _

from programmes.models import Programme
from programmes.selectors import (
    Money,
    audience,
    budget_summary,
    programme_amendments,
    programme_grants,
    programme_reviews,
)
from programmes.views.document import document_context, document_programmes
from tcp import reports
from tcp.l10n import money

VIEW = "programmes.view_programme"


def programme_subject(user: Any, reference: str) -> Programme:
    """The programme of ``reference`` as ``user`` may read its document; 404 otherwise."""
    if not user.has_perm(VIEW):
        raise Http404
    programme = document_programmes(user).filter(reference=reference).first()
    if programme is None:
        raise Http404
    return programme


@dataclass(frozen=True)
class SpentRow:
    """One row of the internal budget table: planned, spent, balance, and bar widths."""

    label: str
    budget: str
    spent: str
    balance: str
    budget_width: str
    spent_width: str
    overspent: bool


def _spent_rows(rows: list[Money]) -> list[SpentRow]:
    """The rows with bars on one scale: 0 to the largest planned or spent figure."""
    top = max([Decimal(1), *(r.budget for r in rows), *(r.spent for r in rows)])
    return [
        SpentRow(
            row.label or _("Programme-wide"),
            money(row.budget),
            money(row.spent),
            money(row.balance),
            f"{row.budget * 100 / top:.1f}",
            f"{row.spent * 100 / top:.1f}",
            row.balance < 0,
        )
        for row in rows
    ]


def _internal_annex(programme: Programme, user: Any) -> dict[str, Any] | None:
    """OHCHR's working material on the programme, for its own readers only."""
    if not audience(programme, user).internal:
        return None
    budget = budget_summary(programme)
    return {
        "total": money(budget.total.budget),
        "spent": money(budget.total.spent),
        "balance": money(budget.total.balance),
        "awaiting": money(budget.awaiting_approval) if budget.awaiting_approval else "",
        "spent_share": budget.total.spent_share,
        "tables": [
            (_("Funding source"), _spent_rows(budget.by_source)),
            (_("Component"), _spent_rows(budget.by_component)),
        ],
        "reviews": list(programme_reviews(programme, user)),
        "amendments": list(programme_amendments(programme, user).order_by("created_at", "id")),
        "grants": list(programme_grants(programme, user).order_by("id")),
    }


def programme_context(user: Any, programme: Programme, params: dict) -> dict[str, Any]:
    context = document_context(programme, user)
    annex = _internal_annex(programme, user)
    sections = [
        ("doc-objectives", f"1 {_('Objectives')}"),
        ("doc-components", f"2 {_('Components, results and activities')}"),
        *(
            (f"doc-component-{s.component.pk}", f"2.{s.number} {s.component.title}")
            for s in context["components"]
        ),
        ("doc-partners", f"3 {_('Partners')}"),
        ("doc-budget", f"4 {_('Budget')}"),
        ("doc-alignment", f"5 {_('Alignment and markers')}"),
        (
            "doc-recommendations",
            f"6 {_('Recommendations of the human rights mechanisms answered')}",
        ),
        ("doc-signatures", f"7 {_('Approval and acceptance')}"),
    ]
    if annex is not None:
        sections.append(("doc-annex", _("Annex: internal (OHCHR only)")))
    budget_tables = [
        (_("By component"), context["by_component"]),
        (_("By funding source"), context["by_source"]),
    ]
    return {**context, "annex": annex, "sections": sections, "budget_tables": budget_tables}


def programme_title(programme: Programme, params: dict) -> str:
    return f"{programme.reference} {programme.title}"


def register() -> None:
    reports.register(
        reports.ReportKind(
            code="programme",
            subject=programme_subject,
            context=programme_context,
            template="reports/programme.html",
            title=programme_title,
        )
    )

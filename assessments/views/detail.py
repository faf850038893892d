"""The assessment page, and the team's work on it: the summary, consultations, findings.

The assessment comes through ``visible_assessments`` (outside scope: 404),
its consultations and findings through their selectors, so a government
never reaches an internal record, not even by its URL. Every write goes
through ``assessments.services``; a refusal becomes a message, never a 500.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import services
from assessments.forms import ConsultationForm, FindingForm, SummaryForm
from assessments.models import Finding, NeedsAssessment
from assessments.selectors import (
    audience,
    visible_assessment_documents,
    visible_consultations,
    visible_findings,
    visible_team,
)
from assessments.views.common import (
    TYPE_LABELS,
    assessment_for,
    back,
    refuse_unless_team,
    upload_form,
    viewer_required,
)
from assessments.views.lists import OPEN
from requests_app.models import Recommendation
from requests_app.selectors import visible_recommendations, visible_requests
from tcp.forms import add_model_errors
from tcp.lifecycle import TransitionRefused
from tcp.related import Cycle, cycle, link_to
from tcp.views import actions_for, timeline

S = NeedsAssessment.Status


@dataclass(frozen=True)
class BreadthRow:
    party: str
    label: str
    meetings: int
    participants: int
    meetings_width: int
    participants_width: int


@dataclass(frozen=True)
class SexTotals:
    women: int
    men: int
    other: int

    @property
    def total(self) -> int:
        return self.women + self.men + self.other

    def width(self, part: int) -> int:
        return bucket(part, self.total)

    @property
    def women_width(self) -> int:
        return self.width(self.women)

    @property
    def men_width(self) -> int:
        return self.width(self.men)

    @property
    def other_width(self) -> int:
        return self.width(self.other)


def bucket(value: int, top: int) -> int:
    """The bar width as a multiple of 5 % (CSS classes w-0 … w-100: no inline style
    under the CSP); anything above zero shows at least a sliver."""
    if value <= 0 or top <= 0:
        return 0
    return max(5, round(value * 20 / top) * 5)


def _breadth(assessment: NeedsAssessment) -> list[BreadthRow]:
    rows = services.consultation_breadth(assessment)
    top_meetings = max((meetings for _p, _l, meetings, _n in rows), default=0)
    top_people = max((people for _p, _l, _m, people in rows), default=0)
    return [
        BreadthRow(
            party,
            label,
            meetings,
            people,
            bucket(meetings, top_meetings),
            bucket(people, top_people),
        )
        for party, label, meetings, people in rows
    ]


def _findings(assessment: NeedsAssessment, user: Any) -> QuerySet[Finding]:
    # A recommendation's label names its mechanism: fetch both in the one prefetch
    # (the selector's plain prefetch would cost a query per recommendation).
    return (
        visible_findings(assessment, user)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch("recommendations", queryset=Recommendation.objects.select_related("mechanism"))
        )
    )


def _recommendations(assessment: NeedsAssessment, user: Any) -> QuerySet[Recommendation]:
    return visible_recommendations(user).filter(country=assessment.country_id)


def _is_overdue(assessment: NeedsAssessment) -> bool:
    return assessment.status in OPEN and assessment.due_date < timezone.now().date()


def _cycle(assessment: NeedsAssessment, user: Any) -> Cycle:
    """Back to the request it answers, only if the user may open it (an invited
    expert may not); forward to the programme drawn from it."""
    req = visible_requests(user).filter(pk=assessment.request_id).first()
    previous = [link_to(_("Request"), req)] if req is not None else []
    return cycle(assessment, user, stage="assessment", previous=previous)


def render_detail(request: HttpRequest, assessment: NeedsAssessment, **bound: Any) -> HttpResponse:
    """The assessment page; ``bound`` holds a form that came back with errors."""
    user = request.user
    internal = audience(assessment, user).internal
    can_work = services.team_refusal(assessment, user, _("its work")) is None
    consultations = list(visible_consultations(assessment, user))
    team_staff, team_experts = visible_team(assessment, user)
    context: dict[str, Any] = {
        "assessment": assessment,
        "cycle": _cycle(assessment, user),
        "internal": internal,
        "can_work": can_work,
        "can_plan": services.replan_refusal(assessment=assessment, user=user) is None,
        "can_set_visibility": services.visibility_refusal(assessment=assessment, user=user) is None,
        "team_staff": team_staff,
        "team_experts": team_experts,
        "consultations": consultations,
        "findings": list(_findings(assessment, user)),
        "documents": [
            (doc, TYPE_LABELS.get(doc.content_type, doc.content_type))
            for doc in visible_assessment_documents(assessment, user)
        ],
        "actions": actions_for(assessment, services.LIFECYCLE, user),
        # Review notes ("what needs more work") are OHCHR's; a government reads the result.
        "timeline": timeline(assessment, services.LIFECYCLE, internal=internal),
        "is_overdue": _is_overdue(assessment),
    }
    if internal:
        context["breadth"] = _breadth(assessment)
        context["consulted_parties"] = sum(1 for row in context["breadth"] if row.meetings)
        context["sexes"] = SexTotals(
            sum(c.participants_women for c in consultations),
            sum(c.participants_men for c in consultations),
            sum(c.participants_other for c in consultations),
        )
    if can_work:
        context["summary_form"] = bound.get("summary_form") or SummaryForm(
            initial={"summary": assessment.summary}
        )
        context["consultation_form"] = bound.get("consultation_form") or ConsultationForm(
            initial={"date": timezone.now().date()}, prefix="consultation"
        )
        context["finding_form"] = bound.get("finding_form") or FindingForm(
            recommendations=_recommendations(assessment, user), prefix="finding"
        )
        context["upload_form"] = bound.get("upload_form") or upload_form()
    return render(request, "assessments/assessment_detail.html", context)


@viewer_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, assessment_for(request, pk))


@viewer_required
@require_POST
def summary_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the summary as it stands: partial work, the assessment stays open."""
    assessment = assessment_for(request, pk)
    refused = refuse_unless_team(request, assessment, _("the summary"))
    if refused:
        return refused
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return render_detail(request, assessment, summary_form=form)
    try:
        services.update_assessment(
            assessment=assessment, by=request.user, summary=form.cleaned_data["summary"]
        )
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Summary saved. The assessment stays in progress."))
    return back(assessment, "summary")


def _render_item_form(
    request: HttpRequest,
    assessment: NeedsAssessment,
    form: Any,
    title: str,
    anchor: str,
    fields_template: str = "assessments/_form_fields.html",
) -> HttpResponse:
    return render(
        request,
        "assessments/item_form.html",
        {
            "assessment": assessment,
            "form": form,
            "title": title,
            "anchor": anchor,
            "fields_template": fields_template,
        },
    )


def _save(form: Any, write: Any) -> bool:
    """Call the service; its refusal or the model's errors go on the form."""
    try:
        write()
    except TransitionRefused as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        add_model_errors(form, exc)
    else:
        return True
    return False


# --- consultations ---


@viewer_required
@require_POST
def consultation_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    refused = refuse_unless_team(request, assessment, _("consultations"))
    if refused:
        return refused
    form = ConsultationForm(request.POST, prefix="consultation")
    if form.is_valid() and _save(
        form,
        lambda: services.record_consultation(
            assessment=assessment, by=request.user, **form.cleaned_data
        ),
    ):
        messages.success(request, _("Consultation recorded."))
        return back(assessment, "consultations")
    return render_detail(request, assessment, consultation_form=form)


@viewer_required
def consultation_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    consultation = get_object_or_404(visible_consultations(assessment, request.user), pk=item_pk)
    refused = refuse_unless_team(request, assessment, _("consultations"))
    if refused:
        return refused
    form = ConsultationForm(request.POST or None, instance=consultation)
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: services.record_consultation(
                assessment=assessment,
                by=request.user,
                consultation=consultation,
                **form.cleaned_data,
            ),
        )
    ):
        messages.success(request, _("Consultation saved."))
        return back(assessment, "consultations")
    return _render_item_form(
        request,
        assessment,
        form,
        _("Edit the consultation"),
        "consultations",
        fields_template="assessments/_consultation_fields.html",
    )


@viewer_required
@require_POST
def consultation_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    consultation = get_object_or_404(visible_consultations(assessment, request.user), pk=item_pk)
    try:
        services.delete_consultation(consultation=consultation, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Consultation deleted."))
    return back(assessment, "consultations")


# --- findings ---


@viewer_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    refused = refuse_unless_team(request, assessment, _("findings"))
    if refused:
        return refused
    form = FindingForm(
        request.POST, recommendations=_recommendations(assessment, request.user), prefix="finding"
    )
    if form.is_valid() and _save(
        form,
        lambda: services.record_finding(
            assessment=assessment, by=request.user, **form.service_fields()
        ),
    ):
        messages.success(request, _("Finding saved."))
        return back(assessment, "findings")
    return render_detail(request, assessment, finding_form=form)


@viewer_required
def finding_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    finding = get_object_or_404(visible_findings(assessment, request.user), pk=item_pk)
    refused = refuse_unless_team(request, assessment, _("findings"))
    if refused:
        return refused
    form = FindingForm(
        request.POST or None,
        instance=finding,
        recommendations=_recommendations(assessment, request.user),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and _save(
            form,
            lambda: services.record_finding(
                assessment=assessment, by=request.user, finding=finding, **form.service_fields()
            ),
        )
    ):
        messages.success(request, _("Finding saved."))
        return back(assessment, "findings")
    return _render_item_form(request, assessment, form, _("Edit the finding"), "findings")


@viewer_required
@require_POST
def finding_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment = assessment_for(request, pk)
    finding = get_object_or_404(visible_findings(assessment, request.user), pk=item_pk)
    try:
        services.delete_finding(finding=finding, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Finding deleted."))
    return back(assessment, "findings")

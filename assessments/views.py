"""Needs assessments: list, planning, the assessment page and the team's work on it.

Every object comes through the app's selectors (outside scope: 404): the
assessment through ``visible_assessments``, its consultations, findings and
documents through ``visible_consultations`` and friends, so a government
never reaches an internal record, not even by its URL. Every write goes
through ``assessments.services``; a refusal becomes a message, never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Prefetch, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from guardian.shortcuts import get_objects_for_user

from assessments import services
from assessments.forms import (
    ConsultationForm,
    DocumentUploadForm,
    FindingForm,
    PlanningForm,
    SummaryForm,
)
from assessments.models import Finding, NeedsAssessment
from assessments.selectors import (
    sees_internal,
    visible_assessment_documents,
    visible_assessments,
    visible_consultations,
    visible_findings,
)
from requests_app.models import AssistanceRequest, Recommendation
from requests_app.selectors import visible_recommendations, visible_requests
from tcp.documents import ALL_KINDS, Visibility
from tcp.lifecycle import TransitionRefused
from tcp.roles import Role
from tcp.scoping import scope_for
from tcp.views import (
    Block,
    Column,
    HistorySource,
    ListSpec,
    Row,
    action_labels,
    actions_for,
    block,
    list_page,
    run_transition,
    timeline,
)

logger = logging.getLogger(__name__)

VIEW = "assessments.view_needsassessment"
PLAN = "assessments.plan_needsassessment"
VALIDATE = "assessments.validate_needsassessment"
S = NeedsAssessment.Status
_OPEN = (S.PLANNED, S.IN_PROGRESS)

LIST = ListSpec(
    statuses=S.choices,
    search=("reference", "request__title", "request__reference"),
    sorts={
        "reference": ("reference",),
        "country": ("country__name",),
        "mode": ("mode",),
        "status": ("status",),
        "due": ("due_date",),
        "created": ("created_at",),
    },
    default_sort="due",
    columns=(
        Column(gettext_lazy("Reference"), "reference"),
        Column(gettext_lazy("Request")),
        Column(gettext_lazy("Country"), "country"),
        Column(gettext_lazy("Mode"), "mode"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Findings due"), "due", css="num"),
    ),
)

_ACTIONS = {
    "start": lambda a, by, note: services.start_assessment(assessment=a, by=by),
    "submit_findings": lambda a, by, note: services.submit_findings(assessment=a, by=by),
    "return_findings": lambda a, by, note: services.return_findings(assessment=a, by=by, note=note),
    "validate": lambda a, by, note: services.validate_findings(assessment=a, by=by),
    "share": lambda a, by, note: services.share_with_government(assessment=a, by=by),
}


def _may_view(user: Any) -> bool:
    """The role's permission to view assessments, or an invitation to one of them
    (a roster expert on a mission holds ``view_needsassessment`` on that record only)."""
    if user.has_perm(VIEW):
        return True
    invited = get_objects_for_user(user, VIEW, klass=NeedsAssessment, accept_global_perms=False)
    return invited.exists()


def viewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Logged in, and a viewer of assessments (403 otherwise); which ones is the
    selectors' business (404 outside scope)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not _may_view(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# --- list and planning ---


@viewer_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    overdue = Q(status__in=_OPEN, due_date__lt=timezone.now().date())
    queryset = visible_assessments(request.user).annotate(
        is_overdue=ExpressionWrapper(overdue, output_field=BooleanField())
    )
    context = list_page(request, queryset, LIST)
    if request.user.has_perm(PLAN):
        # One query, whatever the number of requests waiting.
        context["awaiting"] = list(_awaiting_assessment(request.user).order_by("decided_at", "pk"))
    return render(request, "assessments/assessment_list.html", context)


def _awaiting_assessment(user: Any) -> QuerySet[AssistanceRequest]:
    """Accepted requests in the user's scope that have no assessment yet."""
    return visible_requests(user).filter(
        status=AssistanceRequest.Status.ACCEPTED, needs_assessment__isnull=True
    )


@login_required
@permission_required(PLAN, raise_exception=True)
def assessment_plan(request: HttpRequest, request_pk: int) -> HttpResponse:
    req = get_object_or_404(_awaiting_assessment(request.user), pk=request_pk)
    presences = list(req.country.field_presences.filter(is_active=True)[:2])
    initial = {"mode": NeedsAssessment.Mode.FIELD_PRESENCE}
    if len(presences) == 1:
        initial["field_presence"] = presences[0]
    form = PlanningForm(request.POST or None, country=req.country, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assessment = services.plan_assessment(
                request=req, by=request.user, **form.service_fields()
            )
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            messages.success(request, _("Needs assessment %s planned.") % assessment.reference)
            return redirect(assessment)
    return render(
        request, "assessments/assessment_form.html", {"form": form, "req": req, "assessment": None}
    )


@viewer_required
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk officer changes the plan (mode, team, dates, terms) while it is open."""
    assessment = _assessment_for(request, pk)
    if not _can_plan(assessment, request.user):
        raise PermissionDenied
    if assessment.status not in _OPEN:
        messages.error(request, _("Submitted findings can no longer be edited."))
        return redirect(assessment)
    form = PlanningForm(request.POST or None, instance=assessment, country=assessment.country)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_assessment(
                assessment=assessment, by=request.user, **form.service_fields()
            )
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            messages.success(request, _("Plan of %s saved.") % assessment.reference)
            return redirect(assessment)
    return render(
        request,
        "assessments/assessment_form.html",
        {"form": form, "req": assessment.request, "assessment": assessment},
    )


# --- the assessment page ---


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
        return _bucket(part, self.total)

    @property
    def women_width(self) -> int:
        return self.width(self.women)

    @property
    def men_width(self) -> int:
        return self.width(self.men)

    @property
    def other_width(self) -> int:
        return self.width(self.other)


def _bucket(value: int, top: int) -> int:
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
            _bucket(meetings, top_meetings),
            _bucket(people, top_people),
        )
        for party, label, meetings, people in rows
    ]


_TYPE_LABELS = {kind.content_type: kind.label for kind in ALL_KINDS}


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


def _render_detail(request: HttpRequest, assessment: NeedsAssessment, **bound: Any) -> HttpResponse:
    """The assessment page; ``bound`` holds a form that came back with errors."""
    user = request.user
    # Scope is read once here for this view's own questions (the selectors read their own).
    ohchr = scope_for(user).is_ohchr_for(assessment.country_id)
    internal = sees_internal(assessment, user)
    can_work = _team_refusal(assessment, user) is None
    consultations = list(visible_consultations(assessment, user))
    context: dict[str, Any] = {
        "assessment": assessment,
        "internal": internal,
        "can_work": can_work,
        "can_plan": user.has_perm(PLAN) and ohchr and assessment.status in _OPEN,
        "can_set_visibility": user.has_perm(VALIDATE)
        and internal
        and assessment.status != S.SHARED,
        "team_staff": list(assessment.team_staff.all()),
        "team_experts": list(assessment.team_experts.all()),
        "consultations": consultations,
        "findings": list(_findings(assessment, user)),
        "documents": [
            (doc, _TYPE_LABELS.get(doc.content_type, doc.content_type))
            for doc in visible_assessment_documents(assessment, user)
        ],
        "actions": actions_for(assessment, services.LIFECYCLE, user),
        # Review notes ("what needs more work") are OHCHR's; a government reads the result.
        "timeline": timeline(assessment, services.LIFECYCLE, show_notes=ohchr),
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
        context["upload_form"] = bound.get("upload_form") or _upload_form()
    return render(request, "assessments/assessment_detail.html", context)


@viewer_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _assessment_for(request, pk))


@viewer_required
@require_POST
def assessment_transition(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    action = request.POST.get("action", "")
    perform = _ACTIONS.get(action)
    return run_transition(
        request,
        services.LIFECYCLE,
        action,
        (lambda note: perform(assessment, request.user, note)) if perform else None,
        redirect_to=reverse("assessments:detail", args=[assessment.pk]),
    )


@viewer_required
@require_POST
def summary_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the summary as it stands: partial work, the assessment stays open."""
    assessment = _assessment_for(request, pk)
    refused = _refuse_unless_team(request, assessment, _("the summary"))
    if refused:
        return refused
    form = SummaryForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, assessment, summary_form=form)
    try:
        services.update_assessment(
            assessment=assessment, by=request.user, summary=form.cleaned_data["summary"]
        )
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Summary saved. The assessment stays in progress."))
    return _back(assessment, "summary")


# --- consultations ---


@viewer_required
@require_POST
def consultation_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    refused = _refuse_unless_team(request, assessment, _("consultations"))
    if refused:
        return refused
    form = ConsultationForm(request.POST, prefix="consultation")
    if form.is_valid():
        try:
            services.record_consultation(
                assessment=assessment, by=request.user, **form.cleaned_data
            )
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            messages.success(request, _("Consultation recorded."))
            return _back(assessment, "consultations")
    return _render_detail(request, assessment, consultation_form=form)


@viewer_required
def consultation_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    consultation = get_object_or_404(visible_consultations(assessment, request.user), pk=item_pk)
    refused = _refuse_unless_team(request, assessment, _("consultations"))
    if refused:
        return refused
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_consultation(
                assessment=assessment,
                by=request.user,
                consultation=consultation,
                **form.cleaned_data,
            )
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            messages.success(request, _("Consultation saved."))
            return _back(assessment, "consultations")
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
    assessment = _assessment_for(request, pk)
    consultation = get_object_or_404(visible_consultations(assessment, request.user), pk=item_pk)
    try:
        services.delete_consultation(consultation=consultation, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Consultation deleted."))
    return _back(assessment, "consultations")


# --- findings ---


@viewer_required
@require_POST
def finding_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    refused = _refuse_unless_team(request, assessment, _("findings"))
    if refused:
        return refused
    form = FindingForm(
        request.POST,
        recommendations=_recommendations(assessment, request.user),
        prefix="finding",
    )
    if form.is_valid():
        try:
            services.record_finding(assessment=assessment, by=request.user, **form.service_fields())
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            messages.success(request, _("Finding saved."))
            return _back(assessment, "findings")
    return _render_detail(request, assessment, finding_form=form)


@viewer_required
def finding_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    finding = get_object_or_404(visible_findings(assessment, request.user), pk=item_pk)
    refused = _refuse_unless_team(request, assessment, _("findings"))
    if refused:
        return refused
    form = FindingForm(
        request.POST or None,
        instance=finding,
        recommendations=_recommendations(assessment, request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_finding(
                assessment=assessment, by=request.user, finding=finding, **form.service_fields()
            )
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            messages.success(request, _("Finding saved."))
            return _back(assessment, "findings")
    return _render_item_form(request, assessment, form, _("Edit the finding"), "findings")


@viewer_required
@require_POST
def finding_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    finding = get_object_or_404(visible_findings(assessment, request.user), pk=item_pk)
    try:
        services.delete_finding(finding=finding, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Finding deleted."))
    return _back(assessment, "findings")


# --- documents ---


def _upload_form(data: Any = None, files: Any = None) -> DocumentUploadForm:
    return DocumentUploadForm(
        data, files, max_bytes=settings.TCP_MAX_UPLOAD_BYTES, prefix="document"
    )


@viewer_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """One file per POST. A refusal re-renders the page with the reason next to
    the file field and the kind and visibility as chosen."""
    assessment = _assessment_for(request, pk)
    refused = _refuse_unless_team(request, assessment, _("documents"))
    if refused:
        return refused
    form = _upload_form(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.attach_assessment_document(
                assessment=assessment,
                file=form.cleaned_data["file"],
                by=request.user,
                kind=form.cleaned_data["kind"],
                visibility=form.cleaned_data["visibility"],
            )
        except TransitionRefused as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("“%s” uploaded.") % document.original_name)
            return _back(assessment, "documents")
    return _render_detail(request, assessment, upload_form=form)


@viewer_required
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    document = get_object_or_404(visible_assessment_documents(assessment, request.user), pk=doc_pk)
    try:
        intact = document.is_intact()
    except OSError:  # gone from the storage altogether
        intact = False
    if not intact:
        logger.error(
            "Assessment document %s (%s, assessment %s) no longer matches its checksum",
            document.pk,
            document.file.name,
            assessment.reference,
        )
        return render(
            request,
            "assessments/document_changed.html",
            {"assessment": assessment, "document": document},
            status=409,
        )
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@viewer_required
@require_POST
def document_visibility(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    document = get_object_or_404(visible_assessment_documents(assessment, request.user), pk=doc_pk)
    visibility = request.POST.get("visibility", "")
    try:
        if visibility not in Visibility.values:
            raise TransitionRefused(_("Choose internal or shared."))
        services.set_document_visibility(document=document, visibility=visibility, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("“%(name)s” is now: %(visibility)s.")
            % {"name": document.original_name, "visibility": document.get_visibility_display()},
        )
    return _back(assessment, "documents")


@viewer_required
@require_POST
def document_delete(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    assessment = _assessment_for(request, pk)
    document = get_object_or_404(visible_assessment_documents(assessment, request.user), pk=doc_pk)
    name = document.original_name
    try:
        services.remove_assessment_document(document=document, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%s” removed.") % name)
    return _back(assessment, "documents")


# --- helpers ---


def _assessment_for(request: HttpRequest, pk: int) -> NeedsAssessment:
    return get_object_or_404(visible_assessments(request.user), pk=pk)


def _team_refusal(assessment: NeedsAssessment, user: Any, what: str = "") -> str | None:
    return services.team_refusal(assessment, user, what or _("its work"))


def _refuse_unless_team(
    request: HttpRequest, assessment: NeedsAssessment, what: str
) -> HttpResponse | None:
    refusal = _team_refusal(assessment, request.user, what)
    if refusal is None:
        return None
    messages.error(request, refusal)
    return _back(assessment)


def _can_plan(assessment: NeedsAssessment, user: Any) -> bool:
    return user.has_perm(PLAN) and scope_for(user).is_ohchr_for(assessment.country_id)


def _back(assessment: NeedsAssessment, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("assessments:detail", args=[assessment.pk])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


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


def _is_overdue(assessment: NeedsAssessment) -> bool:
    return assessment.status in _OPEN and assessment.due_date < timezone.now().date()


# --- what the shell shows of assessments ---


def _row(a: NeedsAssessment) -> Row:
    return Row(
        f"{a.reference} · {a.request.title}",
        reverse("assessments:detail", args=[a.pk]),
        a.get_status_display(),
        _("%(country)s, findings due %(due)s") % {"country": a.country.name, "due": a.due_date},
        status_value=a.status,
    )


def _list_url(query: str) -> str:
    return f"{reverse('assessments:list')}?{query}"


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    if not user.has_perm(VIEW):
        return []
    visible = visible_assessments(user)
    today = timezone.now().date()
    blocks = []
    if Role.DESK_OFFICER in roles:
        blocks += [
            block(
                _("Findings to validate"),
                visible.filter(status=S.FINDINGS_SUBMITTED).order_by("due_date"),
                _row,
                more_url=_list_url(f"status={S.FINDINGS_SUBMITTED}"),
            ),
            block(
                _("Overdue assessments"),
                visible.filter(status__in=_OPEN, due_date__lt=today).order_by("due_date"),
                _row,
                more_url=_list_url("sort=due"),
            ),
        ]
    if Role.FIELD_OFFICER in roles:
        blocks.append(
            block(
                _("Assessments of your countries"),
                visible.filter(status__in=_OPEN).order_by("due_date"),
                _row,
                more_url=_list_url("sort=due"),
            )
        )
    return blocks


HISTORY_SOURCES = [
    HistorySource(
        key="assessment",
        label=gettext_lazy("Needs assessments"),
        model=NeedsAssessment,
        visible=visible_assessments,
        url_name="assessments:detail",
        view_permission=VIEW,
        action_labels=action_labels(services.LIFECYCLE),
    )
]

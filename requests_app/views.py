"""Requests: the list and its export, the detail page (thread, screening,
documents, timeline), the focal point's guided form, and the transitions.

Every request comes through ``visible_requests`` (outside scope: 404), every
document and message through their selectors; every write goes through
``requests_app.services``, whose refusals become messages on the page.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from requests_app import services
from requests_app.filters import RequestFilter, desk_officer_grants
from requests_app.forms import (
    ACCEPT,
    DocumentUploadForm,
    MessageForm,
    RecommendationForm,
    RequestForm,
    ScreeningForm,
    upload_help,
)
from requests_app.models import AssistanceRequest, Recommendation, RequestDocument, Screening
from requests_app.selectors import (
    request_timeline,
    visible_documents,
    visible_messages,
    visible_recommendations,
    visible_requests,
)
from tcp.documents import ALL_KINDS, Visibility
from tcp.lifecycle import TransitionRefused, status_changes
from tcp.models import Country, Region, ScreeningCriterion
from tcp.roles import Role
from tcp.scoping import scope_for
from tcp.views import (
    PAGE_SIZE,
    Block,
    Column,
    HistorySource,
    Row,
    action_labels,
    actions_for,
    block,
    run_transition,
    sort_headers,
)

logger = logging.getLogger(__name__)

VIEW = "requests_app.view_assistancerequest"
S = AssistanceRequest.Status
Kind = RequestDocument.Kind

COLUMNS = (
    Column(gettext_lazy("Reference"), "reference"),
    Column(gettext_lazy("Title"), "title"),
    Column(gettext_lazy("Country"), "country"),
    Column(gettext_lazy("Status"), "status"),
    Column(gettext_lazy("Submitted"), "submitted", css="num"),
    Column(gettext_lazy("Created"), "created", css="num"),
)

# The note typed in the form goes where each service expects it.
_ACTIONS: dict[str, Callable[[AssistanceRequest, Any, str], Any]] = {
    "submit": lambda req, by, note: services.submit_request(req=req, by=by),
    "acknowledge": lambda req, by, note: services.acknowledge_request(req=req, by=by),
    "request_information": lambda req, by, note: services.request_information(
        req=req, by=by, question=note
    ),
    "resubmit": lambda req, by, note: services.resubmit_request(req=req, by=by, answer=note),
    "start_assessment": lambda req, by, note: services.start_assessment(req=req, by=by),
    "accept": lambda req, by, note: services.accept_request(req=req, by=by),
    "decline": lambda req, by, note: services.decline_request(req=req, by=by, reason=note),
    "withdraw": lambda req, by, note: services.withdraw_request(req=req, by=by, note=note),
}

_M2M = ("thematic_areas", "forms_of_assistance", "sdgs", "recommendations")
_FORM_FIELDS = (
    "title",
    "requesting_authority",
    "description",
    "justification",
    "thematic_areas",
    "forms_of_assistance",
    "sdgs",
    "desired_start",
    "desired_end",
    "recommendations",
)
_TYPE_LABELS = {kind.content_type: kind.label for kind in ALL_KINDS}
# Recommendations offered at once on the form; a search narrows them.
RECOMMENDATIONS_SHOWN = 30


# --- list and export ---


def _filtered(request: HttpRequest) -> RequestFilter:
    return RequestFilter(request.GET, queryset=visible_requests(request.user), user=request.user)


@login_required
@permission_required(VIEW, raise_exception=True)
def request_list(request: HttpRequest) -> HttpResponse:
    """Two queries for the rows (a count and a page), whatever their number."""
    filterset = _filtered(request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "requests_app/request_list.html",
        {
            "filterset": filterset,
            "filter_form": filterset.form,
            "page_obj": page,
            "headers": sort_headers(request, COLUMNS, filterset.sort_key),
            "is_filtered": filterset.is_filtered,
            "export_url": f"{reverse('requests_app:export')}?{params.urlencode()}",
            "can_create": _can_create(request.user),
        },
    )


class _Echo:
    """A file-like object whose write returns the line, for a streamed csv.writer."""

    def write(self, value: str) -> str:
        return value


EXPORT_HEADER = (
    gettext_lazy("Reference"),
    gettext_lazy("Country"),
    gettext_lazy("Region"),
    gettext_lazy("Title"),
    gettext_lazy("Status"),
    gettext_lazy("Submitted"),
    gettext_lazy("Decided"),
    gettext_lazy("Thematic areas"),
    gettext_lazy("Forms of assistance"),
    gettext_lazy("Desk officer"),
)
# Rows fetched per query (with their thematic areas and forms in two more).
EXPORT_CHUNK = 2000


def _cell(value: Any) -> str:
    """A spreadsheet never runs what a government typed as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _desk_officers_by_country() -> dict[int, str]:
    names: dict[int, list[str]] = {}
    for grant in desk_officer_grants().select_related("user").order_by("user__last_name"):
        names.setdefault(grant.content_object_id, []).append(str(grant.user))
    return {country: "; ".join(people) for country, people in names.items()}


def _export_rows(queryset: QuerySet[AssistanceRequest], with_desk: bool) -> Iterator[list[str]]:
    yield [str(h) for h in (EXPORT_HEADER if with_desk else EXPORT_HEADER[:-1])]
    officers = _desk_officers_by_country() if with_desk else {}
    regions = dict(Region.choices)
    for req in queryset.iterator(chunk_size=EXPORT_CHUNK):
        row = [
            req.reference,
            req.country.name,
            regions.get(req.country.region, req.country.region),
            req.title,
            req.get_status_display(),
            req.submitted_at and timezone.localtime(req.submitted_at).date().isoformat(),
            req.decided_at and timezone.localtime(req.decided_at).date().isoformat(),
            "; ".join(t.name for t in req.thematic_areas.all()),
            "; ".join(f.name for f in req.forms_of_assistance.all()),
        ]
        if with_desk:
            row.append(officers.get(req.country_id, ""))
        yield [_cell(v) for v in row]


@login_required
@permission_required(VIEW, raise_exception=True)
def request_export(request: HttpRequest) -> StreamingHttpResponse:
    """The filtered list as CSV, streamed: the same selector and filters as the page."""
    queryset = _filtered(request).qs.prefetch_related("thematic_areas", "forms_of_assistance")
    scope = scope_for(request.user)
    # Who holds a portfolio is OHCHR's business; a government's export leaves it out.
    with_desk = scope.all_countries or bool(scope.ohchr)
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so that spreadsheet programs read UTF-8
        for row in _export_rows(queryset, with_desk):
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"requests-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- the detail page ---


def _request_for(request: HttpRequest, pk: int) -> AssistanceRequest:
    return get_object_or_404(visible_requests(request.user), pk=pk)


def _recommendation_url(pk: int) -> str:
    # The recommendation pages are built alongside; link to them once they exist.
    try:
        return reverse("requests_app:recommendation_detail", args=[pk])
    except NoReverseMatch:
        return ""


def _can_attach(req: AssistanceRequest, user: Any) -> bool:
    """Whether ``attach_document`` would accept a good file from ``user`` now.

    Mirrors the service's rules so that the page offers the upload form only to
    those it would accept; the service still decides on every upload.
    """
    if services.is_ohchr_for(req, user):
        return user.has_perm(services.TRIAGE) and req.status not in (
            S.ACCEPTED,
            S.DECLINED,
            S.WITHDRAWN,
        )
    return services.draft_edit_refusal(req=req, user=user) is None


def _can_post(req: AssistanceRequest, user: Any, ohchr: bool) -> bool:
    # Mirrors post_message: OHCHR does not write on a draft it cannot see anyway.
    return user.has_perm("requests_app.add_message") and not (ohchr and req.status == S.DRAFT)


def _can_screen(req: AssistanceRequest, user: Any, ohchr: bool) -> bool:
    return ohchr and user.has_perm(services.TRIAGE) and req.status == S.UNDER_ASSESSMENT


def _criteria() -> list[ScreeningCriterion]:
    return list(ScreeningCriterion.objects.filter(is_active=True))


def _screening_form(
    req: AssistanceRequest, screening: Screening | None, data: Any = None
) -> ScreeningForm:
    initial_scores: dict[int, tuple[int, str]] = {}
    initial = {}
    if screening is not None:
        initial_scores = {s.criterion_id: (s.score, s.comment) for s in screening.scores.all()}
        initial["summary"] = screening.summary
    return ScreeningForm(
        data, criteria=_criteria(), initial_scores=initial_scores, initial=initial, prefix="scr"
    )


@dataclass(frozen=True)
class DocumentRow:
    document: RequestDocument
    type_label: str
    internal: bool


def _document_rows(req: AssistanceRequest, user: Any) -> list[DocumentRow]:
    return [
        DocumentRow(
            doc,
            _TYPE_LABELS.get(doc.content_type, doc.content_type),
            doc.visibility == Visibility.INTERNAL,
        )
        for doc in visible_documents(req, user)
    ]


def _render_detail(
    request: HttpRequest, req: AssistanceRequest, *, status: int = 200, **bound: Any
) -> HttpResponse:
    """The request page; ``bound`` holds a form that came back with errors."""
    user = request.user
    ohchr = services.is_ohchr_for(req, user)
    changes = list(status_changes(req))
    decision = next((c for c in reversed(changes) if c.action in ("accept", "decline")), None)
    question = None
    if req.status == S.INFORMATION_REQUESTED:
        question = next((c for c in reversed(changes) if c.action == "request_information"), None)
    recommendations = [
        (rec, _recommendation_url(rec.pk))
        for rec in req.recommendations.select_related("mechanism")
    ]
    context: dict[str, Any] = {
        "req": req,
        "ohchr": ohchr,
        "decision": decision,
        "question": question,
        "recommendations": recommendations,
        "documents": _document_rows(req, user),
        "thread": list(visible_messages(req, user)),
        "actions": actions_for(req, services.LIFECYCLE, user),
        "timeline": request_timeline(req, user, services.LIFECYCLE),
        "can_edit": services.draft_edit_refusal(req=req, user=user) is None,
    }
    if _can_post(req, user, ohchr):
        context["message_form"] = bound.get("message_form") or MessageForm(ohchr=ohchr)
    if _can_attach(req, user) and ohchr:
        # The government attaches through its form, with everything else it types.
        context["upload_form"] = bound.get("upload_form") or DocumentUploadForm(
            max_bytes=settings.TCP_MAX_UPLOAD_BYTES, prefix="doc"
        )
    if ohchr:
        # The screening is OHCHR's working paper: never computed for a government.
        screening = (
            Screening.objects.filter(request=req)
            .select_related("screened_by")
            .prefetch_related("scores__criterion")
            .first()
        )
        context["screening"] = screening
        if screening is not None:
            context["screening_total"], context["screening_max"] = services.screening_total(
                screening
            )
        if _can_screen(req, user, ohchr):
            context["screening_form"] = bound.get("screening_form") or _screening_form(
                req, screening
            )
    return render(request, "requests_app/request_detail.html", context, status=status)


@login_required
@permission_required(VIEW, raise_exception=True)
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    req = get_object_or_404(
        visible_requests(request.user)
        .select_related("created_by")
        .prefetch_related("thematic_areas", "forms_of_assistance", "sdgs"),
        pk=pk,
    )
    return _render_detail(request, req)


def _back(req: AssistanceRequest, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("requests_app:detail", args=[req.pk])
    return HttpResponseRedirect(f"{url}#{anchor}" if anchor else url)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def request_transition(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request_for(request, pk)
    action = request.POST.get("action", "")
    perform = _ACTIONS.get(action)
    return run_transition(
        request,
        services.LIFECYCLE,
        action,
        (lambda note: perform(req, request.user, note)) if perform else None,
        redirect_to=reverse("requests_app:detail", args=[req.pk]),
    )


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def message_post(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request_for(request, pk)
    ohchr = services.is_ohchr_for(req, request.user)
    form = MessageForm(request.POST, ohchr=ohchr)
    if not form.is_valid():
        if _can_post(req, request.user, ohchr):
            return _render_detail(request, req, message_form=form)
        messages.error(request, _("You may not write on this request."))
        return _back(req)
    try:
        message = services.post_message(
            req=req,
            by=request.user,
            body=form.cleaned_data["body"],
            visibility=form.chosen_visibility,
        )
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return _back(req)
    if message.visibility == Visibility.INTERNAL:
        messages.success(request, _("Internal note added: OHCHR staff only can read it."))
    else:
        messages.success(request, _("Message sent."))
    return _back(req, f"message-{message.pk}")


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def screening_post(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the screening; an incomplete one comes back with every gap marked."""
    req = _request_for(request, pk)
    screening = Screening.objects.filter(request=req).first()
    form = _screening_form(req, screening, request.POST)
    form.is_valid()
    try:
        services.record_screening(
            req=req,
            by=request.user,
            scores=form.scores(),  # type: ignore[arg-type]  # the service names the gaps
            summary=form.cleaned_data.get("summary", ""),
        )
    except TransitionRefused as exc:
        if exc.missing and _can_screen(req, request.user, services.is_ohchr_for(req, request.user)):
            form.add_error(None, exc.message)
            form.mark_missing()
            return _render_detail(request, req, screening_form=form)
        messages.error(request, exc.message)
        return _back(req)
    messages.success(request, _("Screening recorded."))
    return _back(req, "screening")


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """OHCHR's upload from the request page: one file, its kind and visibility."""
    req = _request_for(request, pk)
    if not (_can_attach(req, request.user) and services.is_ohchr_for(req, request.user)):
        messages.error(request, _("You may not attach documents to this request now."))
        return _back(req)
    form = DocumentUploadForm(
        request.POST, request.FILES, max_bytes=settings.TCP_MAX_UPLOAD_BYTES, prefix="doc"
    )
    if form.is_valid():
        try:
            document = services.attach_document(
                req=req,
                file=form.cleaned_data["file"],
                by=request.user,
                kind=form.cleaned_data["kind"],
                visibility=form.cleaned_data["visibility"],
            )
        except TransitionRefused as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("“%s” attached.") % document.original_name)
            return _back(req, "documents")
    return _render_detail(request, req, upload_form=form)


@login_required
@permission_required(VIEW, raise_exception=True)
def document_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    req = _request_for(request, pk)
    document = get_object_or_404(visible_documents(req, request.user), pk=doc_pk)
    try:
        intact = document.is_intact()
    except OSError:  # gone from the storage altogether
        intact = False
    if not intact:
        logger.error(
            "Request document %s (%s, request %s) no longer matches its checksum",
            document.pk,
            document.file.name,
            req.reference,
        )
        return render(
            request,
            "requests_app/request_document_changed.html",
            {"req": req, "document": document},
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


# --- the focal point's guided form ---


@dataclass(frozen=True)
class Section:
    anchor: str
    label: str
    complete: bool
    required: bool = True


def _filled(form: RequestForm, name: str) -> bool:
    value = form[name].value()
    if isinstance(value, (list, tuple)):
        return bool(value)
    return bool(str(value or "").strip())


def _progress(form: RequestForm, documents: list[DocumentRow]) -> list[Section]:
    """What the form holds now (typed or saved), section by section."""
    letter = any(row.document.kind == Kind.OFFICIAL_LETTER for row in documents)
    return [
        Section(
            "section-request",
            _("The request"),
            all(
                _filled(form, n)
                for n in ("title", "requesting_authority", "description", "justification")
            ),
        ),
        Section(
            "section-needs",
            _("What is needed"),
            _filled(form, "thematic_areas") and _filled(form, "forms_of_assistance"),
        ),
        Section(
            "section-recommendations",
            _("Recommendations and goals"),
            _filled(form, "recommendations") or _filled(form, "sdgs"),
            required=False,
        ),
        Section("section-documents", _("Official letter and documents"), letter),
    ]


def _recommendation_matches(recommendations: QuerySet[Recommendation], term: str) -> QuerySet:
    if term:
        recommendations = recommendations.filter(
            Q(text__icontains=term)
            | Q(document_symbol__icontains=term)
            | Q(session_or_cycle__icontains=term)
            | Q(mechanism__name__icontains=term)
            | Q(mechanism__abbreviation__icontains=term)
        )
    return recommendations


@dataclass
class _Draft:
    """What one POST of the form did, and what is left to show."""

    req: AssistanceRequest | None
    upload_errors: dict[str, list[str]]
    new_recommendation: Recommendation | None = None
    submit_refusal: TransitionRefused | None = None

    @property
    def has_errors(self) -> bool:
        return any(self.upload_errors.values()) or self.submit_refusal is not None


def _save(
    request: HttpRequest,
    req: AssistanceRequest | None,
    form: RequestForm,
    rec_form: RecommendationForm,
) -> AssistanceRequest | None:
    """Write the draft (and a new recommendation, linked); None if nothing could be written."""
    data = {name: form.cleaned_data[name] for name in _FORM_FIELDS}
    country = req.country if req is not None else form.cleaned_data["country"]
    with transaction.atomic():
        if rec_form.is_filled():
            try:
                recommendation = services.create_recommendation(
                    country=country, by=request.user, **rec_form.cleaned_data
                )
            except TransitionRefused as exc:
                rec_form.add_error(None, exc.message)
            except ValidationError as exc:
                rec_form.add_model_errors(exc)
            else:
                data["recommendations"] = [*data["recommendations"], recommendation]
                rec_form.created = recommendation  # type: ignore[attr-defined]
        try:
            if req is None:
                req = services.create_request(country=country, by=request.user, **data)
            else:
                services.update_draft(req=req, by=request.user, **data)
        except TransitionRefused as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            form.add_model_errors(exc)
        else:
            return req
        # Nothing of a refused save survives, not even the recommendation typed with it.
        transaction.set_rollback(True)
        rec_form.created = None  # type: ignore[attr-defined]
        return None


def _attach_uploads(request: HttpRequest, req: AssistanceRequest) -> tuple[dict, list[str]]:
    errors: dict[str, list[str]] = {"letter": [], "supporting": []}
    attached: list[str] = []
    uploads: list[tuple[str, Any]] = [("letter", f) for f in request.FILES.getlist("letter")[:1]]
    uploads += [("supporting", f) for f in request.FILES.getlist("supporting")]
    for field, file in uploads:
        kind = Kind.OFFICIAL_LETTER if field == "letter" else Kind.SUPPORTING
        try:
            document = services.attach_document(req=req, file=file, by=request.user, kind=kind)
        except TransitionRefused as exc:
            errors[field].append(exc.message)
        else:
            attached.append(document.original_name)
    return errors, attached


def _remove_document(request: HttpRequest, req: AssistanceRequest, pk: str) -> None:
    document = visible_documents(req, request.user).filter(pk=pk if pk.isdigit() else 0).first()
    if document is None:
        messages.error(request, _("That document is no longer attached."))
        return
    name = document.original_name
    try:
        services.remove_document(document=document, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("“%s” removed.") % name)


def _draft_form(request: HttpRequest, req: AssistanceRequest | None) -> HttpResponse:
    """Create or edit a draft: every button saves what is typed first.

    "Save draft", "Submit", the recommendation search, "Add and link" and each
    document's "Remove" are buttons of the one form, so nothing typed is ever
    lost on a slow connection: the server writes the draft (and the files
    chosen, each through ``attach_document``), then does what the button asks.
    A refused upload or submission re-renders the form with the reason next
    to the field and everything else as typed.
    """
    user = request.user
    countries = None
    if req is None:
        countries = Country.objects.filter(pk__in=sorted(scope_for(user).government))
        if not countries:
            # A focal point with no State yet: nothing they could create.
            raise PermissionDenied
        recommendations = visible_recommendations(user).filter(country__in=countries)
    else:
        recommendations = visible_recommendations(user).filter(country=req.country_id)
    recommendations = recommendations.order_by("-date", "-id")

    def build(data: Any, for_req: AssistanceRequest | None) -> RequestForm:
        if for_req is None:
            return RequestForm(data, countries=countries, recommendations=recommendations)
        initial: dict[str, Any] = {n: getattr(for_req, n) for n in _FORM_FIELDS if n not in _M2M}
        initial.update({n: list(getattr(for_req, n).values_list("pk", flat=True)) for n in _M2M})
        own = recommendations.filter(country=for_req.country_id)
        return RequestForm(data, initial=initial, recommendations=own)

    post = request.method == "POST"
    form = build(request.POST if post else None, req)
    rec_form = RecommendationForm(request.POST if post else None, prefix="rec")
    term = (request.POST if post else request.GET).get("rq", "").strip()[:100]
    outcome = _Draft(req=req, upload_errors={"letter": [], "supporting": []})

    if post:
        intent = request.POST.get("intent", "save")
        remove = request.POST.get("remove_document", "")
        valid = all([form.is_valid(), rec_form.is_valid()])  # both, for all errors
        saved = _save(request, req, form, rec_form) if valid else None
        if saved is None:
            if request.FILES:
                message = _("Not attached: correct the errors above, then choose the file again.")
                for field in outcome.upload_errors:
                    if request.FILES.getlist(field):
                        outcome.upload_errors[field].append(message)
        else:
            created = req is None
            req = outcome.req = saved
            outcome.upload_errors, attached = _attach_uploads(request, req)
            if attached:
                messages.success(request, _("Attached: %s.") % ", ".join(attached))
            if remove:
                _remove_document(request, req, remove)
            if intent == "submit" and not outcome.has_errors and not rec_form.errors:
                try:
                    services.submit_request(req=req, by=user)
                except TransitionRefused as exc:
                    outcome.submit_refusal = exc
                else:
                    messages.success(request, _("Request %s submitted to OHCHR.") % req.reference)
                    return HttpResponseRedirect(reverse("requests_app:detail", args=[req.pk]))
            if not outcome.has_errors and not rec_form.errors:
                messages.success(
                    request,
                    (_("Draft %s saved.") if created else _("Request %s saved.")) % req.reference,
                )
                return _back_to_form(req, intent, remove, term)
            # Shown again with the errors: bind to what was typed, plus a new link.
            data = request.POST.copy()
            new = getattr(rec_form, "created", None)
            if new is not None:
                data.setlist("recommendations", [*data.getlist("recommendations"), str(new.pk)])
                rec_form = RecommendationForm(prefix="rec")
            form = build(data, req)
            form.is_valid()

    form.show_recommendations(
        _recommendation_matches(recommendations, term)[:RECOMMENDATIONS_SHOWN]
    )
    documents = _document_rows(req, user) if req is not None else []
    sections = _progress(form, documents)
    required = [s for s in sections if s.required]
    return render(
        request,
        "requests_app/request_form.html",
        {
            "form": form,
            "rec_form": rec_form,
            "req": req,
            "documents": documents,
            "upload_errors": outcome.upload_errors,
            "submit_refusal": outcome.submit_refusal,
            "sections": sections,
            "done": sum(1 for s in required if s.complete),
            "required": len(required),
            "rq": term,
            "recommendations_total": recommendations.count(),
            "recommendations_matching": (
                _recommendation_matches(recommendations, term).count() if term else None
            ),
            "can_submit": req is None or req.status == S.DRAFT,
            "accept": ACCEPT,
            "upload_help": upload_help(settings.TCP_MAX_UPLOAD_BYTES),
        },
    )


def _back_to_form(
    req: AssistanceRequest, intent: str, removed: str, term: str
) -> HttpResponseRedirect:
    url = reverse("requests_app:edit", args=[req.pk])
    if intent == "find":
        return HttpResponseRedirect(f"{url}?{urlencode({'rq': term})}#section-recommendations")
    if intent == "add_recommendation":
        return HttpResponseRedirect(f"{url}#section-recommendations")
    if removed:
        return HttpResponseRedirect(f"{url}#section-documents")
    return HttpResponseRedirect(url)


@login_required
@permission_required("requests_app.add_assistancerequest", raise_exception=True)
def request_create(request: HttpRequest) -> HttpResponse:
    return _draft_form(request, None)


@login_required
@permission_required("requests_app.change_assistancerequest", raise_exception=True)
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    req = _request_for(request, pk)
    refusal = services.draft_edit_refusal(req=req, user=request.user)
    if refusal is not None:
        messages.error(request, refusal)
        return _back(req)
    return _draft_form(request, req)


def _can_create(user: Any) -> bool:
    return user.has_perm("requests_app.add_assistancerequest") and bool(scope_for(user).government)


# --- what the shell shows of requests ---


def _row(req: AssistanceRequest) -> Row:
    return Row(
        f"{req.reference} · {req.title}",
        reverse("requests_app:detail", args=[req.pk]),
        req.get_status_display(),
        req.country.name,
        status_value=req.status,
    )


def _list_url(status: str) -> str:
    return f"{reverse('requests_app:list')}?status={status}"


def dashboard_blocks(user: Any, roles: set[Role]) -> list[Block]:
    if not user.has_perm(VIEW):
        return []
    visible = visible_requests(user)
    blocks = []
    if Role.FOCAL_POINT in roles:
        blocks += [
            block(
                _("Your drafts"),
                visible.filter(status=S.DRAFT).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.DRAFT),
            ),
            block(
                _("Requests awaiting your answer"),
                visible.filter(status=S.INFORMATION_REQUESTED).order_by("-updated_at"),
                _row,
                more_url=_list_url(S.INFORMATION_REQUESTED),
            ),
        ]
    if Role.DESK_OFFICER in roles:
        blocks += [
            block(
                _("Submitted requests to acknowledge"),
                visible.filter(status=S.SUBMITTED).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.SUBMITTED),
            ),
            block(
                _("Requests under assessment"),
                visible.filter(status=S.UNDER_ASSESSMENT).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.UNDER_ASSESSMENT),
            ),
        ]
    if Role.PROGRAMME_APPROVER in roles:
        blocks.append(
            block(
                _("Requests to decide"),
                visible.filter(status=S.UNDER_ASSESSMENT).order_by("submitted_at"),
                _row,
                more_url=_list_url(S.UNDER_ASSESSMENT),
            )
        )
    return blocks


HISTORY_SOURCES = [
    HistorySource(
        key="request",
        label=gettext_lazy("Requests"),
        model=AssistanceRequest,
        visible=visible_requests,
        url_name="requests_app:detail",
        view_permission=VIEW,
        action_labels=action_labels(services.LIFECYCLE),
    )
]

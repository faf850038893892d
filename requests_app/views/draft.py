"""The focal point's guided form: create or edit a draft, attach, submit.

"Save draft", "Submit", the recommendation search, "Add and link" and each
document's "Remove" are buttons of the one form, so nothing typed is ever
lost on a slow connection: the server saves the draft (and a recommendation
typed with it) through ``services.save_draft``, attaches the files chosen,
then does what the button asks. A refusal re-renders the form with the
reason next to the field and everything else as typed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from requests_app import services
from requests_app.forms import RecommendationForm, RequestForm
from requests_app.models import AssistanceRequest, Recommendation, RequestDocument
from requests_app.selectors import visible_documents, visible_recommendations
from requests_app.views.detail import DocumentRow, back, document_rows, request_for
from tcp import l10n
from tcp.documents import neutralised_notice
from tcp.forms import ACCEPT, add_model_errors, upload_help
from tcp.lifecycle import TransitionRefused
from tcp.models import Country
from tcp.scoping import scope_for
from tcp.views import Confirmation, confirmation_page, confirmed, kind_of

S = AssistanceRequest.Status
Kind = RequestDocument.Kind

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
# Recommendations offered at once on the form; a search narrows them.
RECOMMENDATIONS_SHOWN = 30


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
    text = ("title", "requesting_authority", "description", "justification")
    return [
        Section("section-request", _("The request"), all(_filled(form, n) for n in text)),
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


def _matching(recommendations: QuerySet[Recommendation], term: str) -> QuerySet:
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
class _Outcome:
    """What one POST did, and what is left to show."""

    upload_errors: dict[str, list[str]] = field(
        default_factory=lambda: {"letter": [], "supporting": []}
    )
    submit_refusal: TransitionRefused | None = None
    saved: bool = False

    @property
    def has_errors(self) -> bool:
        return any(self.upload_errors.values()) or self.submit_refusal is not None


class _Page:
    """The form for one draft (``req``), or for a new one, and the user's choices."""

    def __init__(self, request: HttpRequest, req: AssistanceRequest | None) -> None:
        self.request, self.req, self.user = request, req, request.user
        self.countries: QuerySet[Country] | None = None
        recommendations = visible_recommendations(self.user)
        if req is None:
            self.countries = Country.objects.filter(pk__in=sorted(scope_for(self.user).government))
            if not self.countries:
                raise PermissionDenied  # a focal point with no State yet
            recommendations = recommendations.filter(country__in=self.countries)
        else:
            recommendations = recommendations.filter(country=req.country_id)
        self.recommendations = recommendations.order_by("-date", "-id")

    def form(self, data: Any = None) -> RequestForm:
        if self.req is None:
            return RequestForm(data, countries=self.countries, recommendations=self.recommendations)
        req = self.req
        initial: dict[str, Any] = {n: getattr(req, n) for n in _FORM_FIELDS if n not in _M2M}
        initial.update({n: list(getattr(req, n).values_list("pk", flat=True)) for n in _M2M})
        return RequestForm(data, initial=initial, recommendations=self.recommendations)

    def save(self, form: RequestForm, rec_form: RecommendationForm) -> bool:
        """Write the draft and the recommendation typed with it; errors go on the forms."""
        data = {name: form.cleaned_data[name] for name in _FORM_FIELDS}
        country = self.req.country if self.req is not None else form.cleaned_data["country"]
        try:
            self.req, rec_form.created = services.save_draft(
                req=self.req,
                country=country,
                by=self.user,
                fields=data,
                recommendation=rec_form.cleaned_data if rec_form.is_filled() else None,
            )
        except services.RecommendationRefused as exc:
            _put_error(rec_form, exc.error)
        except (TransitionRefused, ValidationError) as exc:
            _put_error(form, exc)
        else:
            return True
        return False

    def attach(self, outcome: _Outcome) -> None:
        files = self.request.FILES
        uploads = [("letter", f) for f in files.getlist("letter")[:1]]
        uploads += [("supporting", f) for f in files.getlist("supporting")]
        attached = []
        for name, file in uploads:
            kind = Kind.OFFICIAL_LETTER if name == "letter" else Kind.SUPPORTING
            try:
                document = services.attach_document(
                    req=self.req, file=file, by=self.user, kind=kind
                )
            except TransitionRefused as exc:
                outcome.upload_errors[name].append(exc.message)
            else:
                attached.append(document.original_name)
                notice = neutralised_notice(document)
                if notice:
                    messages.info(self.request, f"{document.original_name}: {notice}")
        if attached:
            names = l10n.join(l10n.isolate(name) for name in attached)
            messages.success(self.request, _("Attached: %s.") % names)

    def remove(self, pk: str) -> None:
        document = visible_documents(self.req, self.user).filter(pk=int(pk)).first()
        if document is None:
            messages.error(self.request, _("That document is no longer attached."))
            return
        name = document.original_name
        try:
            services.remove_document(document=document, by=self.user)
        except TransitionRefused as exc:
            messages.error(self.request, exc.message)
        else:
            messages.success(self.request, _("“%s” removed.") % name)


def _put_error(form: Any, error: TransitionRefused | ValidationError) -> None:
    if isinstance(error, ValidationError):
        add_model_errors(form, error)
    else:
        form.add_error(None, error.message)


def _draft_form(request: HttpRequest, req: AssistanceRequest | None) -> HttpResponse:
    page = _Page(request, req)
    post = request.method == "POST"
    form = page.form(request.POST if post else None)
    rec_form = RecommendationForm(request.POST if post else None, prefix="rec")
    rec_form.created = None  # type: ignore[attr-defined]
    term = (request.POST if post else request.GET).get("rq", "").strip()[:100]
    outcome = _Outcome()
    if post:
        response = _handle_post(request, page, form, rec_form, term, outcome)
        if response is not None:
            return response
        if outcome.saved:
            # Saved, but an upload or the submission was refused: the draft's own
            # form, reloaded with what was saved (everything typed) and the
            # reasons. A redirect, so that refreshing it never posts the draft
            # again (a second draft, when it was a new one).
            return _saved_with_problems(request, page, outcome, term)
    elif page.req is not None:
        _recall_problems(request, page, outcome)
    return _render(request, page, form, rec_form, term, outcome)


def _problems_key(req: AssistanceRequest) -> str:
    return f"requests_app:draft-problems:{req.pk}"


def _saved_with_problems(
    request: HttpRequest, page: _Page, outcome: _Outcome, term: str
) -> HttpResponse:
    assert page.req is not None
    messages.success(request, _("Draft %s saved.") % page.req.reference)
    request.session[_problems_key(page.req)] = {
        "upload_errors": outcome.upload_errors,
        "submit": outcome.submit_refusal is not None,
    }
    url = reverse("requests_app:edit", args=[page.req.pk])
    query = f"?{urlencode({'rq': term})}" if term else ""
    return HttpResponseRedirect(f"{url}{query}")


def _recall_problems(request: HttpRequest, page: _Page, outcome: _Outcome) -> None:
    """What the last POST of this draft could not do, shown once, on the page it
    redirected to: the refused files, and why it cannot be submitted (asked again
    now, from the draft as saved)."""
    assert page.req is not None
    problems = request.session.pop(_problems_key(page.req), None)
    if not problems:
        return
    for name, errors in problems.get("upload_errors", {}).items():
        if name in outcome.upload_errors:
            outcome.upload_errors[name] = [str(e) for e in errors]
    if problems.get("submit"):
        outcome.submit_refusal = services.LIFECYCLE.refusal(page.req, "submit", page.user)


def _handle_post(
    request: HttpRequest,
    page: _Page,
    form: RequestForm,
    rec_form: RecommendationForm,
    term: str,
    outcome: _Outcome,
) -> HttpResponse | None:
    """Save, attach, remove, submit; a redirect when all went well, else None."""
    intent = request.POST.get("intent", "save")
    remove = request.POST.get("remove_document", "")
    valid = all([form.is_valid(), rec_form.is_valid()])  # both, for all errors
    created = page.req is None
    if not (valid and page.save(form, rec_form)):
        message = _("Not attached: correct the errors above, then choose the file again.")
        for name in outcome.upload_errors:
            if request.FILES.getlist(name):
                outcome.upload_errors[name].append(message)
        return None
    outcome.saved = True
    req = page.req
    page.attach(outcome)
    if remove.isdigit():
        page.remove(remove)
    if outcome.has_errors or rec_form.errors:
        return None
    if intent == "submit":
        try:
            services.submit_request(req=req, by=page.user)
        except TransitionRefused as exc:
            outcome.submit_refusal = exc
            return None
        messages.success(request, _("Request %s submitted to OHCHR.") % l10n.isolate(req.reference))
        return back(req)
    messages.success(
        request,
        (_("Draft %s saved.") if created else _("Request %s saved.")) % l10n.isolate(req.reference),
    )
    url = reverse("requests_app:edit", args=[req.pk])
    if intent == "find":
        return HttpResponseRedirect(f"{url}?{urlencode({'rq': term})}#section-recommendations")
    if intent == "add_recommendation":
        return HttpResponseRedirect(f"{url}#section-recommendations")
    if remove:
        return HttpResponseRedirect(f"{url}#section-documents")
    return HttpResponseRedirect(url)


def _render(
    request: HttpRequest,
    page: _Page,
    form: RequestForm,
    rec_form: RecommendationForm,
    term: str,
    outcome: _Outcome,
) -> HttpResponse:
    form.show_recommendations(_matching(page.recommendations, term)[:RECOMMENDATIONS_SHOWN])
    documents = document_rows(page.req, page.user) if page.req is not None else []
    sections = _progress(form, documents)
    required = [s for s in sections if s.required]
    return render(
        request,
        "requests_app/request_form.html",
        {
            "form": form,
            "rec_form": rec_form,
            "req": page.req,
            "documents": documents,
            "upload_errors": outcome.upload_errors,
            # The files refused, for the summary of errors on top (the inputs are
            # written by the template, not by a form).
            "upload_items": [
                ("id_letter", _("Official letter"), outcome.upload_errors["letter"]),
                ("id_supporting", _("Supporting documents"), outcome.upload_errors["supporting"]),
            ],
            "submit_refusal": outcome.submit_refusal,
            "sections": sections,
            "done": sum(1 for s in required if s.complete),
            "required": len(required),
            "rq": term,
            "recommendations_total": page.recommendations.count(),
            "recommendations_matching": (
                _matching(page.recommendations, term).count() if term else None
            ),
            "can_submit": page.req is None or page.req.status == S.DRAFT,
            "can_delete": page.req is not None
            and services.delete_refusal(req=page.req, user=page.user) is None,
            "accept": ACCEPT,
            "upload_help": upload_help(),
        },
    )


@login_required
@permission_required("requests_app.add_assistancerequest", raise_exception=True)
def request_create(request: HttpRequest) -> HttpResponse:
    return _draft_form(request, None)


@login_required
@permission_required("requests_app.change_assistancerequest", raise_exception=True)
def request_edit(request: HttpRequest, pk: int) -> HttpResponse:
    req = request_for(request, pk)
    refusal = services.draft_edit_refusal(req=req, user=request.user)
    if refusal is not None:
        messages.error(request, refusal)
        return back(req)
    return _draft_form(request, req)


@login_required
@permission_required("requests_app.change_assistancerequest", raise_exception=True)
@require_http_methods(["GET", "POST"])
def request_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft: asked on a page of its own (GET, or a POST not yet confirmed),
    done by that page's confirmed POST; then the list of requests."""
    req = request_for(request, pk)
    refusal = services.delete_refusal(req=req, user=request.user)
    if refusal is not None:
        messages.error(request, refusal)
        return back(req)
    if not confirmed(request):
        # "No, go back" returns to the page the person came from: the draft or its form.
        came_from = request.GET.get("from") == "edit"
        back_to = reverse("requests_app:edit", args=[req.pk]) if came_from else None
        return confirmation_page(
            request,
            Confirmation(
                title=_("Delete this draft?"),
                record=req,
                kind=kind_of(req),
                effects=[
                    _("The draft is deleted, with the documents attached to it."),
                    _("OHCHR never saw it: nothing is sent to anyone."),
                ],
                button=_("Yes, delete this draft"),
                action_url=request.path,
                back_url=back_to or req.get_absolute_url(),
                dangerous=True,
            ),
        )
    reference = req.reference
    try:
        services.delete_draft(req=req, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return back(req)
    messages.success(request, _("Draft %s deleted.") % reference)
    return HttpResponseRedirect(reverse("requests_app:list"))

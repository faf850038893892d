"""Programmes: the list, drafting (from an assessment or directly), the programme
page with its review panel, the programme form, and acceptance by each State.

Every object comes through a selector (``visible_programmes``,
``visible_assessments``, ``visible_findings``; outside scope: 404); every
write goes through ``programmes.services``, whose ``*_refusal`` functions
decide which forms and buttons a page offers.
"""

from __future__ import annotations

import copy
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from assessments.selectors import visible_assessments, visible_findings
from programmes import services
from programmes.forms.programme import (
    DraftFromAssessmentForm,
    ProgrammeCreateForm,
    ProgrammeForm,
    ReviewersForm,
    ReviewForm,
)
from programmes.models import Programme
from programmes.selectors import (
    audience,
    awaiting_programme,
    programme_reviews,
    visible_acceptances,
    visible_programmes,
)
from programmes.views import money, parts
from requests_app.models import Recommendation
from requests_app.selectors import visible_recommendations, visible_requests
from tcp import exports, l10n
from tcp.forms import add_model_errors
from tcp.lifecycle import TransitionRefused
from tcp.related import Cycle, cycle, link_to, note
from tcp.views import (
    Column,
    Confirmation,
    ListSpec,
    actions_for,
    confirmation_page,
    confirmed,
    kind_of,
    list_page,
    timeline,
)

VIEW = "programmes.view_programme"
AWAITING_SHOWN = 10
ADD = "programmes.add_programme"
S = Programme.Status

LIST = ListSpec(
    statuses=S.choices,
    search=("reference", "title"),
    sorts={
        "reference": ("reference",),
        "title": ("title",),
        "scope": ("scope",),
        "status": ("status",),
        "start": ("start_date",),
        "end": ("end_date",),
        "created": ("created_at",),
    },
    default_sort="-created",
    columns=(
        Column(gettext_lazy("Reference"), "reference"),
        Column(gettext_lazy("Title"), "title"),
        Column(gettext_lazy("Countries")),
        Column(gettext_lazy("Scope"), "scope"),
        Column(gettext_lazy("Status"), "status"),
        Column(gettext_lazy("Start"), "start", css="num"),
        Column(gettext_lazy("End"), "end", css="num"),
    ),
    country_lookup="countries",
)


@login_required
@permission_required(VIEW, raise_exception=True)
def programme_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    queryset = visible_programmes(user).prefetch_related("countries")
    context = list_page(request, queryset, LIST)
    context["export_links"] = exports.links(request, "programmes")
    context["can_create"] = services.programme_creation_refusal(user=user) is None
    if context["can_create"]:
        # The oldest few, and whether there are more: bounded whatever the portfolio.
        waiting = list(awaiting_programme(user).order_by("updated_at", "pk")[: AWAITING_SHOWN + 1])
        context["awaiting"] = waiting[:AWAITING_SHOWN]
        context["awaiting_more"] = len(waiting) > AWAITING_SHOWN
    return render(request, "programmes/programme_list.html", context)


# --- drafting ---


def _save(form: Any, write: Any) -> Any:
    """Call the service; its refusal or the model's errors go on the form."""
    try:
        return write()
    except TransitionRefused as exc:
        form.add_error(None, exc.message)
    except ValidationError as exc:
        add_model_errors(form, exc)
    return None


@login_required
@permission_required(ADD, raise_exception=True)
def programme_create(request: HttpRequest) -> HttpResponse:
    """A regional or global/interregional programme, with the countries it covers."""
    user = request.user
    refusal = services.programme_creation_refusal(user=user)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect("programmes:list")
    form = ProgrammeCreateForm(request.POST or None, countries=services.drafting_countries(user))
    if request.method == "POST" and form.is_valid():
        programme = _save(form, lambda: services.create_programme(by=user, **form.service_fields()))
        if programme is not None:
            messages.success(
                request,
                _("Programme %s drafted. Complete it, then submit it for review.")
                % l10n.isolate(programme.reference),
            )
            return redirect(programme)
    return render(request, "programmes/programme_create.html", {"form": form})


@login_required
@permission_required(ADD, raise_exception=True)
def draft_from_assessment(request: HttpRequest, assessment_pk: int) -> HttpResponse:
    """A national programme answering a validated assessment, its findings offered
    as the starting components."""
    user = request.user
    assessment = get_object_or_404(visible_assessments(user), pk=assessment_pk)
    refusal = services.assessment_draft_refusal(assessment=assessment, user=user)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(assessment)
    findings = list(visible_findings(assessment, user))
    form = DraftFromAssessmentForm(
        request.POST or None,
        findings=findings,
        initial={"title": assessment.title},
    )
    if request.method == "POST" and form.is_valid():
        programme = _save(
            form,
            lambda: services.draft_from_assessment(
                assessment=assessment, by=user, **form.service_fields()
            ),
        )
        if programme is not None:
            count = programme.components.count()
            messages.success(
                request,
                ngettext(
                    "Programme %(reference)s drafted with %(count)d component from the assessment.",
                    "Programme %(reference)s drafted with %(count)d components "
                    "from the assessment.",
                    count,
                )
                % {"reference": l10n.isolate(programme.reference), "count": count},
            )
            return redirect(programme)
    return render(
        request,
        "programmes/draft_from_assessment.html",
        {"assessment": assessment, "form": form},
    )


def _recommendations_of(programme: Programme, user: Any) -> QuerySet[Recommendation]:
    """The recommendations to the covered countries the user may see."""
    return visible_recommendations(user).filter(
        country__in=[c.pk for c in programme.countries.all()]
    )


@login_required
@permission_required(services.DRAFT, raise_exception=True)
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every field of the draft, while the service lets the desk officer change it."""
    user = request.user
    programme = get_object_or_404(visible_programmes(user).prefetch_related("countries"), pk=pk)
    refusal = services.drafting_refusal(programme=programme, user=user)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(programme)
    form = ProgrammeForm(
        request.POST or None,
        # A copy: validating a form writes the typed values on its instance.
        instance=copy.copy(programme),
        countries=services.drafting_countries(user),
        recommendations=_recommendations_of(programme, user),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form,
            lambda: services.update_programme(
                programme=programme, by=user, **form.service_fields()
            ),
        )
        if saved is not None:
            messages.success(request, _("Programme %s saved.") % l10n.isolate(programme.reference))
            return redirect(programme)
    return render(
        request,
        "programmes/programme_form.html",
        {
            "form": form,
            "programme": programme,
            "can_delete": services.delete_refusal(programme=programme, user=user) is None,
        },
    )


@login_required
@permission_required(services.DRAFT, raise_exception=True)
@require_http_methods(["GET", "POST"])
def programme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a draft never put to review: asked on a page of its own (GET, or a
    POST not yet confirmed), done by that page's confirmed POST; then the list."""
    user = request.user
    programme = get_object_or_404(visible_programmes(user).prefetch_related("countries"), pk=pk)
    refusal = services.delete_refusal(programme=programme, user=user)
    if refusal is not None:
        messages.error(request, refusal)
        return redirect(programme)
    if not confirmed(request):
        came_from = request.GET.get("from") == "edit"
        return confirmation_page(
            request,
            Confirmation(
                title=_("Delete this draft?"),
                record=programme,
                kind=kind_of(programme),
                effects=[
                    _(
                        "The draft programme is deleted, with its components, indicators, "
                        "activities, budget lines and partners."
                    ),
                    _("It was never submitted for review: no one else has acted on it."),
                ],
                button=_("Yes, delete this draft"),
                action_url=request.path,
                back_url=(
                    reverse("programmes:edit", args=[programme.pk])
                    if came_from
                    else programme.get_absolute_url()
                ),
                dangerous=True,
            ),
        )
    reference = programme.reference
    try:
        services.delete_programme(programme=programme, by=user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return redirect(programme)
    messages.success(request, _("Draft programme %s deleted.") % reference)
    return redirect("programmes:list")


# --- the programme page ---


def _programme_for_page(user: Any, pk: int) -> Programme:
    return get_object_or_404(
        visible_programmes(user)
        .select_related("implementing_partner", "created_by")
        .prefetch_related("countries", "board_components", "sdgs", "reviewers"),
        pk=pk,
    )


def _cycle(programme: Programme, user: Any) -> Cycle:
    """Back to the assessment it answers and the request behind it, each only if
    the user may open it; forward to its evaluations."""
    if programme.assessment_id is None:
        # A regional or global project, or a programme drawn up directly.
        previous = [note(_("Needs assessment"), _("Drawn up without a needs assessment."))]
        return cycle(programme, user, stage="programme", previous=previous)
    previous = []
    assessment = visible_assessments(user).filter(pk=programme.assessment_id).first()
    if assessment is not None:
        previous.append(link_to(_("Needs assessment"), assessment))
    # Through the request's own selector: a government reads its own request even
    # while the assessment behind the programme is OHCHR's.
    req = visible_requests(user).filter(needs_assessment=programme.assessment_id).first()
    if req is not None:
        previous.append(link_to(_("Request"), req))
    return cycle(programme, user, stage="programme", previous=previous)


def render_detail(request: HttpRequest, programme: Programme, **bound: Any) -> HttpResponse:
    """The programme page; ``bound`` holds a form that came back with errors."""
    user = request.user
    internal = audience(programme, user).internal
    context: dict[str, Any] = {
        "programme": programme,
        "internal": internal,
        "countries": list(programme.countries.all()),
        "cycle": _cycle(programme, user),
        "recommendations": list(
            visible_recommendations(user).filter(programmes=programme).order_by("country", "id")
        ),
        "can_edit": services.drafting_refusal(programme=programme, user=user) is None,
        "can_delete": services.delete_refusal(programme=programme, user=user) is None,
        **parts.context(programme, user),
        **money.context(programme, user),
        "acceptances": list(visible_acceptances(programme, user)),
        "can_accept": services.acceptance_refusal(programme=programme, user=user) is None,
        "actions": actions_for(programme, services.LIFECYCLE, user),
        "timeline": timeline(programme, services.LIFECYCLE, internal=internal),
    }
    if internal:
        # Reviews are OHCHR's working papers: never on a government's page.
        context["reviewers"] = list(programme.reviewers.all())
        context["reviews"] = list(programme_reviews(programme, user))
        if services.reviewers_refusal(programme=programme, user=user) is None:
            context["reviewers_form"] = bound.get("reviewers_form") or ReviewersForm(
                candidates=services.reviewer_candidates(programme),
                initial={"reviewers": context["reviewers"]},
                prefix="reviewers",
            )
        if services.review_refusal(programme=programme, user=user) is None:
            context["review_form"] = bound.get("review_form") or ReviewForm(prefix="review")
    return render(request, "programmes/programme_detail.html", context)


@login_required
@permission_required(VIEW, raise_exception=True)
def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_detail(request, _programme_for_page(request.user, pk))


def _back(programme: Programme, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('programmes:detail', args=[programme.pk])}#{anchor}")


@login_required
@permission_required(services.DRAFT, raise_exception=True)
@require_POST
def programme_reviewers(request: HttpRequest, pk: int) -> HttpResponse:
    """The desk officer names who reviews the programme."""
    user = request.user
    programme = _programme_for_page(user, pk)
    refusal = services.reviewers_refusal(programme=programme, user=user)
    if refusal is not None:
        messages.error(request, refusal)
        return _back(programme, "review")
    form = ReviewersForm(
        request.POST, candidates=services.reviewer_candidates(programme), prefix="reviewers"
    )
    if form.is_valid() and _save(
        form,
        lambda: services.set_reviewers(
            programme=programme, reviewers=list(form.cleaned_data["reviewers"]), by=user
        ),
    ):
        messages.success(request, _("Reviewers saved."))
        return _back(programme, "review")
    return render_detail(request, programme, reviewers_form=form)


@login_required
@permission_required(services.REVIEW, raise_exception=True)
@require_POST
def programme_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A named reviewer records a verdict and a comment."""
    user = request.user
    programme = _programme_for_page(user, pk)
    refusal = services.review_refusal(programme=programme, user=user)
    if refusal is not None:
        messages.error(request, refusal)
        return _back(programme, "review")
    form = ReviewForm(request.POST, prefix="review")
    if form.is_valid() and _save(
        form,
        lambda: services.record_review(programme=programme, by=user, **form.cleaned_data),
    ):
        messages.success(request, _("Review recorded."))
        return _back(programme, "review")
    return render_detail(request, programme, review_form=form)


@login_required
@permission_required(VIEW, raise_exception=True)
@require_POST
def programme_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """A covered State's focal point accepts the approved programme for that State,
    once confirmed: a State's acceptance cannot be taken back."""
    programme = get_object_or_404(visible_programmes(request.user), pk=pk)
    refusal = services.acceptance_refusal(programme=programme, user=request.user)
    if refusal is None and not confirmed(request):
        return confirmation_page(
            request,
            Confirmation(
                title=_("Confirm: %(action)s") % {"action": _("Accept the programme")},
                record=programme,
                kind=kind_of(programme),
                effects=[
                    _("Your State commits to the programme as its document describes it."),
                    _("OHCHR starts its implementation once every State it covers accepts it."),
                ],
                button=_("Yes, accept the programme for my State"),
                action_url=request.path,
                back_url=f"{programme.get_absolute_url()}#acceptance",
            ),
        )
    try:
        accepted = services.accept_programme(programme=programme, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
    else:
        states = l10n.join(a.country.translated_name for a in accepted)
        messages.success(request, _("Accepted for %s.") % states)
    return _back(programme, "acceptance")


urlpatterns = [
    path("", programme_list, name="list"),
    path("new/", programme_create, name="create"),
    path(
        "from-assessment/<int:assessment_pk>/",
        draft_from_assessment,
        name="draft_from_assessment",
    ),
    path("<int:pk>/", programme_detail, name="detail"),
    path("<int:pk>/edit/", programme_edit, name="edit"),
    path("<int:pk>/delete/", programme_delete, name="delete"),
    path("<int:pk>/reviewers/", programme_reviewers, name="reviewers"),
    path("<int:pk>/review/", programme_review, name="review"),
    path("<int:pk>/accept/", programme_accept, name="accept"),
]

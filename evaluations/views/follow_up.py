"""A follow-up action's page, its progress (with evidence), adding actions to the
plan, and the new request an action starts.

Actions come through ``visible_follow_up_actions`` (a government: only those
assigned to its State, once the evaluation is accepted and shared with it);
every write goes through ``evaluations.follow_up``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluations import follow_up, links
from evaluations.forms import ActionForm, ProgressForm
from evaluations.selectors import (
    action_evidence,
    action_is_overdue,
    action_progress,
    audience,
    evaluation_recommendations,
    responsible_staff,
    visible_evaluations,
)
from evaluations.views.common import (
    TYPE_LABELS,
    action_for,
    back,
    evaluation_for,
    follow_up_viewer_required,
    refuse,
    refuse_page,
    save,
    viewer_required,
)
from programmes.selectors import visible_programmes
from tcp.documents import neutralised_notice
from tcp.lifecycle import TransitionRefused
from tcp.models import Country
from tcp.related import Cycle, link_to
from tcp.views import actions_for, document_response, timeline


def render_action(request: HttpRequest, action: Any, **bound: Any) -> HttpResponse:
    """The action's page; ``bound`` holds a progress form that came back with errors."""
    user = request.user
    evaluation = visible_evaluations(user).filter(pk=action.evaluation_id).first()
    programme = None
    if evaluation is not None:
        programme = visible_programmes(user).filter(pk=evaluation.programme_id).first()
    internal = audience(action.evaluation, user).internal
    previous = []
    if evaluation is not None:
        previous.append(
            link_to(
                _("Evaluation"),
                evaluation,
                f"{evaluation.reference} {evaluation.get_kind_display()}",
            )
        )
    if programme is not None:
        previous.append(link_to(_("Programme"), programme))
    evidence = defaultdict(list)
    for doc in action_evidence(action, user):
        evidence[doc.progress_id].append((doc, TYPE_LABELS.get(doc.content_type, doc.content_type)))
    progress = [(p, evidence.get(p.pk, [])) for p in action_progress(action, user)]
    context: dict[str, Any] = {
        "action": action,
        # Each related record only if the reader may open it through its selector.
        "evaluation_link": evaluation,
        "cycle": Cycle("follow_up", previous, links.action_next(action, user)),
        "internal": internal,
        "is_overdue": action_is_overdue(action),
        "progress": progress,
        "actions": actions_for(action, follow_up.FOLLOW_UP_LIFECYCLE, user),
        # OHCHR reads every note; a government the comments meant for it (reopen, drop).
        "timeline": timeline(action, follow_up.FOLLOW_UP_LIFECYCLE, internal=internal),
    }
    if follow_up.progress_refusal(action=action, user=user) is None:
        context["progress_form"] = bound.get("progress_form") or ProgressForm(prefix="progress")
    return render(request, "evaluations/follow_up_detail.html", context)


@follow_up_viewer_required
def follow_up_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_action(request, action_for(request, pk))


@follow_up_viewer_required
@require_POST
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    """What was done, with evidence: one POST. A refusal (of the file or of the text)
    re-renders the page with everything as typed and the reason next to the field."""
    action = action_for(request, pk)
    refused = refuse(request, follow_up.progress_refusal(action=action, user=request.user), action)
    if refused:
        return refused
    form = ProgressForm(request.POST, request.FILES, prefix="progress")
    if form.is_valid():
        data = form.cleaned_data
        try:
            progress = follow_up.record_progress(
                action=action,
                by=request.user,
                date=data["date"],
                text=data["text"],
                evidence=data.get("evidence"),
            )
        except TransitionRefused as exc:
            form.add_error("evidence" if data.get("evidence") else None, exc.message)
        else:
            messages.success(request, _("Progress recorded."))
            stored = getattr(progress, "stored_evidence", None)
            notice = neutralised_notice(stored) if stored is not None else None
            if notice:
                messages.info(request, notice)
            return back(action, "progress")
    return render_action(request, action, progress_form=form)


@follow_up_viewer_required
def evidence_download(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    action = action_for(request, pk)
    document = get_object_or_404(action_evidence(action, request.user), pk=doc_pk)
    return document_response(request, document, action.evaluation)


@follow_up_viewer_required
@require_POST
def request_start(request: HttpRequest, pk: int) -> HttpResponse:
    """The cycle closes: a draft request prefilled from the action, to edit and submit."""
    action = action_for(request, pk)
    try:
        req = follow_up.start_request(action=action, by=request.user)
    except TransitionRefused as exc:
        messages.error(request, exc.message)
        return back(action)
    messages.success(
        request,
        _("Draft request %s started from the follow-up action: complete it and submit it.")
        % req.reference,
    )
    return redirect("requests_app:edit", pk=req.pk)


@viewer_required
def action_add(request: HttpRequest, pk: int, rec_pk: int) -> HttpResponse:
    """The desk officer adds an action under a recommendation OHCHR agreed with."""
    evaluation = evaluation_for(request, pk)
    user = request.user
    recommendation = get_object_or_404(evaluation_recommendations(evaluation, user), pk=rec_pk)
    refused = refuse_page(
        request,
        follow_up.action_refusal(recommendation=recommendation, user=user),
        evaluation,
        perm=follow_up.ADD,
    )
    if refused:
        return refused
    form = ActionForm(
        request.POST or None,
        staff=responsible_staff(evaluation.programme),
        states=Country.objects.filter(programmes=evaluation.programme_id).order_by("name"),
    )
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        if save(
            form,
            lambda: follow_up.add_follow_up_action(
                recommendation=recommendation, by=user, **fields
            ),
        ):
            messages.success(request, _("Follow-up action added."))
            return back(evaluation, f"recommendation-{recommendation.pk}")
    return render(
        request,
        "evaluations/action_form.html",
        {"evaluation": evaluation, "recommendation": recommendation, "form": form},
    )

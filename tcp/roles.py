"""Roles are groups; each carries the model permissions of *what kind* of
action its members may take. *Where* they may take it is scope (tcp/scoping.py).

The groups and their permissions are kept in step with this table after
every migrate, so a new permission added here reaches every database.
"""

from __future__ import annotations

from enum import StrEnum

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q


class Role(StrEnum):
    DESK_OFFICER = "Desk officer"
    PROGRAMME_APPROVER = "Programme approver"
    FIELD_OFFICER = "Field presence officer"
    FOCAL_POINT = "Government focal point"
    AUDITOR = "Auditor"
    ADMINISTRATOR = "Administrator"


_VIEW_DOMAIN = [
    "requests_app.view_assistancerequest",
    "requests_app.view_recommendation",
    "assessments.view_needsassessment",
    "programmes.view_programme",
    "programmes.view_component",
    "evaluations.view_evaluation",
    "evaluations.view_followupaction",
    "evaluations.view_evaluation_overview",
]
_VIEW_REFERENCE = [
    "tcp.view_country",
    "tcp.view_fieldpresence",
    "tcp.view_thematicarea",
    "tcp.view_formofassistance",
    "tcp.view_boardcomponent",
    "tcp.view_sustainabledevelopmentgoal",
    "tcp.view_mechanism",
    "tcp.view_partnerorganisation",
    "tcp.view_fundingsource",
    "tcp.view_screeningcriterion",
]

ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.DESK_OFFICER: [
        *_VIEW_DOMAIN,
        "requests_app.triage_assistancerequest",
        "requests_app.add_recommendation",
        "requests_app.change_recommendation",
        "requests_app.add_message",
        "assessments.add_needsassessment",
        "assessments.plan_needsassessment",
        "assessments.validate_needsassessment",
        "programmes.add_programme",
        "programmes.change_programme",
        "programmes.draft_programme",
        "programmes.add_component",
        "programmes.change_component",
        "programmes.report_programme",
        "programmes.review_programme",
        "evaluations.add_evaluation",
        "evaluations.schedule_evaluation",
        "evaluations.conduct_evaluation",
        "evaluations.add_followupaction",
        "evaluations.change_followupaction",
        "evaluations.verify_followupaction",
        "evaluations.respond_evaluation",
    ],
    Role.PROGRAMME_APPROVER: [
        *_VIEW_DOMAIN,
        "tcp.see_all_countries",
        "requests_app.decide_assistancerequest",
        "requests_app.add_message",
        "programmes.approve_programme",
        "programmes.allow_overspending",
        "programmes.approve_amendment",
        "programmes.review_programme",
        "evaluations.accept_evaluation",
        "evaluations.respond_evaluation",
        "evaluations.drop_evaluation",
    ],
    Role.FIELD_OFFICER: [
        *_VIEW_DOMAIN,
        "assessments.conduct_needsassessment",
        "requests_app.add_message",
        "programmes.report_programme",
        "programmes.review_programme",
        "evaluations.conduct_evaluation",
        "evaluations.change_followupaction",
    ],
    Role.FOCAL_POINT: [
        "requests_app.view_assistancerequest",
        "requests_app.add_assistancerequest",
        "requests_app.change_assistancerequest",
        "requests_app.submit_assistancerequest",
        "requests_app.view_recommendation",
        "requests_app.add_recommendation",
        "requests_app.add_message",
        "assessments.view_needsassessment",
        "programmes.view_programme",
        "programmes.accept_programme",
        "evaluations.view_evaluation",
        "evaluations.view_followupaction",
        "evaluations.change_followupaction",
    ],
    Role.AUDITOR: [
        *_VIEW_DOMAIN,
        *_VIEW_REFERENCE,
        "tcp.see_all_countries",
        "tcp.view_history",
    ],
    Role.ADMINISTRATOR: [
        *_VIEW_DOMAIN,
        "tcp.see_all_countries",
        "tcp.view_history",
        "tcp.manage_scope",
        "tcp.add_user",
        "tcp.change_user",
        "tcp.view_user",
        "auth.view_group",
        # Login lockouts (django-axes): see them, and lift one by deleting the
        # access attempt that holds it.
        "axes.view_accessattempt",
        "axes.delete_accessattempt",
        "axes.view_accesslog",
        "axes.view_accessfailurelog",
        "requests_app.add_recommendation",
        "requests_app.change_recommendation",
        # The OECD-DAC criteria and the scales they are rated on.
        *[
            f"evaluations.{verb}_{model}"
            for model in ("ratingscale", "ratinglevel", "evaluationcriterion")
            for verb in ("add", "change", "view")
        ],
        *[
            f"tcp.{verb}_{model}"
            for model in (
                "country",
                "fieldpresence",
                "thematicarea",
                "formofassistance",
                "boardcomponent",
                "sustainabledevelopmentgoal",
                "mechanism",
                "partnerorganisation",
                "fundingsource",
                "screeningcriterion",
            )
            for verb in ("add", "change", "view")
        ],
    ],
}

# Roles whose members work for OHCHR (and so see internal material in scope).
OHCHR_ROLES = frozenset(
    {Role.DESK_OFFICER, Role.PROGRAMME_APPROVER, Role.FIELD_OFFICER, Role.AUDITOR}
)


def _permissions(codes: list[str]) -> list[Permission]:
    query = Q(pk__in=[])
    for code in codes:
        app_label, codename = code.split(".")
        query |= Q(content_type__app_label=app_label, codename=codename)
    found = list(Permission.objects.filter(query).select_related("content_type"))
    names = {f"{p.content_type.app_label}.{p.codename}" for p in found}
    missing = sorted(set(codes) - names)
    if missing:
        raise LookupError(f"Role permissions not found: {', '.join(missing)}")
    return found


def sync_roles() -> None:
    """Create the role groups and set exactly the permissions of the table.

    A role whose permissions change gets one history record holding its new
    permissions (Group history is registered in tcp/models.py); an unchanged
    role gets none, so running this after every migrate adds nothing.
    """
    with transaction.atomic():
        for role, codes in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=role.value)
            wanted = set(_permissions(codes))
            if set(group.permissions.all()) == wanted:
                continue
            # The removals and additions would each leave a record of a half-
            # synced role; instead, one record of the result, with a reason.
            group.skip_history_when_saving = True
            try:
                group.permissions.set(wanted)
            finally:
                del group.skip_history_when_saving
            group._change_reason = "Role permissions synced with tcp/roles.py"
            group.save(update_fields=["name"])


def role_group(role: Role) -> Group:
    return Group.objects.get(name=role.value)


def roles_of(user) -> set[Role]:
    names = {g.name for g in user.groups.all()}
    return {role for role in Role if role.value in names}

"""Reference data, scope objects and the pieces every app shares.

Countries and field presences are the *scope objects*: guardian object
permissions on them say where each person works (see tcp/scoping.py).
"""

from __future__ import annotations

from typing import Any

import simple_history
from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from tcp import translated
from tcp.history import TcpHistoricalRecords, _get_history_user, history


class User(AbstractUser):
    """A person using the product; roles are groups, scope is guardian grants."""

    # Roles and direct permissions are part of who may do what, so their
    # changes are history; the password hash and the last login are not: a
    # history row must never hold a credential, nor become a log of logins.
    _NOT_HISTORY = frozenset({"password", "last_login"})
    history = history(m2m_fields=["groups", "user_permissions"], excluded_fields=_NOT_HISTORY)

    class Delivery(models.TextChoices):
        EACH = "each", _("An e-mail for each notification")
        DIGEST = "digest", _("One e-mail a day with everything (daily digest)")

    # How the person hears of what concerns them (tcp/reminders.py, tcp/notifications.py).
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the pages, e-mails and PDF reports."),
    )
    delivery = models.CharField(
        _("e-mail delivery"), max_length=10, choices=Delivery.choices, default=Delivery.EACH
    )
    muted_kinds = models.JSONField(
        _("kinds not e-mailed"),
        default=list,
        blank=True,
        help_text=_("Kinds of notification listed in the application but not sent by e-mail."),
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A login saves only last_login (and, when the hasher is upgraded, the
        # password): such a save would add a history row that says nothing
        # but when the person logged in.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or not set(update_fields) <= self._NOT_HISTORY:
            return super().save(*args, **kwargs)
        self.skip_history_when_saving = True
        try:
            return super().save(*args, **kwargs)
        finally:
            del self.skip_history_when_saving


# Roles are groups (tcp/roles.py): a change to a role's permissions changes what
# every member may do, so it is history too, in this app's tables.
simple_history.register(
    Group,
    app="tcp",
    records_class=TcpHistoricalRecords,
    m2m_fields=["permissions"],
    get_user=_get_history_user,
)


class Region(models.TextChoices):
    """OHCHR's regional groupings, as its field presences are organised."""

    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA_PACIFIC = "asia_pacific", _("Asia and the Pacific")
    EUROPE_CENTRAL_ASIA = "europe_central_asia", _("Europe and Central Asia")
    MIDDLE_EAST_NORTH_AFRICA = "mena", _("Middle East and North Africa")


class ReferenceModel(models.Model):
    """A vocabulary entry administrators maintain in the admin."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("is active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.translated_name

    @property
    def translated_name(self) -> str:
        return translated.name(self.name)

    @property
    def translated_description(self) -> str:
        return translated.name(self.description)


class Country(models.Model):
    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=200)
    region = models.CharField(_("region"), max_length=32, choices=Region.choices, db_index=True)
    is_least_developed = models.BooleanField(
        _("least developed country"), default=False, help_text=_("On the UN LDC list.")
    )
    is_active = models.BooleanField(_("is active"), default=True)
    history = history()

    class Meta:
        verbose_name = _("country")
        ordering = ["name"]
        verbose_name_plural = _("countries")
        permissions = [
            ("act_for_country", _("Act as government focal point for the country")),
            ("manage_country", _("Manage the country as OHCHR desk officer (portfolio)")),
            # The one deliberate all-country scope: approvers, auditors, administrators.
            ("see_all_countries", _("Work across all countries")),
            ("view_history", _("Browse the change history")),
            ("manage_scope", _("Grant and revoke where people work")),
        ]

    def __str__(self) -> str:
        return self.translated_name

    @property
    def translated_name(self) -> str:
        return translated.name(self.name)


class FieldPresence(models.Model):
    class Kind(models.TextChoices):
        COUNTRY_OFFICE = "country_office", _("Country office")
        REGIONAL_OFFICE = "regional_office", _("Regional office")
        HUMAN_RIGHTS_ADVISER = "human_rights_adviser", _("Human rights adviser")
        PEACE_MISSION = "peace_mission_component", _("Human rights component of a peace mission")

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    region = models.CharField(_("region"), max_length=32, choices=Region.choices, db_index=True)
    # Joint offices are run with a partner organisation (UNDP, a peace mission...).
    partner = models.ForeignKey(
        "tcp.PartnerOrganisation",
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_presences",
        help_text=_("Set for an office run jointly with a partner organisation."),
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), related_name="field_presences", blank=True
    )
    is_active = models.BooleanField(_("is active"), default=True)
    history = history(m2m_fields=[countries])

    class Meta:
        verbose_name = _("field presence")
        verbose_name_plural = _("field presences")
        ordering = ["name"]
        permissions = [("work_in_presence", _("Work as an officer of the field presence"))]

    def __str__(self) -> str:
        return self.translated_name

    @property
    def translated_name(self) -> str:
        return translated.name(self.name)


class CountryUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Country, on_delete=models.CASCADE)
    # Scope grants are audited like any record: who was given which country, and by whom.
    history = history()


class CountryGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Country, on_delete=models.CASCADE)
    # Scope grants are audited like any record: who was given which country, and by whom.
    history = history()


class FieldPresenceUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(FieldPresence, on_delete=models.CASCADE)
    # Scope grants are audited like any record: who was given which country, and by whom.
    history = history()


class FieldPresenceGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(FieldPresence, on_delete=models.CASCADE)
    # Scope grants are audited like any record: who was given which country, and by whom.
    history = history()


class ThematicArea(ReferenceModel):
    history = history()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")


class FormOfAssistance(ReferenceModel):
    history = history()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("form of assistance")
        verbose_name_plural = _("forms of assistance")


class BoardComponent(ReferenceModel):
    """One of the seven components the Board of Trustees of the Voluntary Fund uses."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    history = history()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("board component")
        verbose_name_plural = _("board components")
        ordering = ["number"]


class SustainableDevelopmentGoal(ReferenceModel):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    history = history()

    class Meta(ReferenceModel.Meta):
        ordering = ["number"]
        verbose_name = _("SDG")
        verbose_name_plural = _("SDGs")

    def __str__(self) -> str:
        return _("SDG %(number)s: %(name)s") % {
            "number": self.number,
            "name": self.translated_name,
        }


class Mechanism(ReferenceModel):
    class Kind(models.TextChoices):
        UPR = "upr", _("Universal Periodic Review")
        TREATY_BODY = "treaty_body", _("Treaty body")
        SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    abbreviation = models.CharField(_("abbreviation"), max_length=32, blank=True)
    history = history()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("mechanism")
        verbose_name_plural = _("mechanisms")

    @property
    def translated_abbreviation(self) -> str:
        # "UPR" is "EPU" in French and Spanish: abbreviations are translated too.
        return translated.name(self.abbreviation)


class PartnerOrganisation(ReferenceModel):
    class Kind(models.TextChoices):
        UN_AGENCY = "un_agency", _("UN agency, fund or programme")
        REGIONAL = "regional_organisation", _("Regional organisation")
        NHRI = "nhri", _("National human rights institution")
        NGO = "ngo", _("Non-governmental organisation")
        OTHER = "other", _("Other")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    acronym = models.CharField(_("acronym"), max_length=32, blank=True)
    history = history()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")


class FundingSource(ReferenceModel):
    class Kind(models.TextChoices):
        REGULAR_BUDGET = "regular_budget", _("UN regular budget")
        VOLUNTARY_FUND = "voluntary_fund", _("Voluntary Fund for Technical Cooperation")
        EXTRABUDGETARY = "extrabudgetary", _("Extrabudgetary / partner")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    history = history()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ReferenceCounter(models.Model):
    """The last number handed out for one reference series, e.g. TCR-2026-KEN.

    A counter only ever goes up, so a reference is never reused, even when
    the record that carried it is deleted.
    """

    series = models.CharField(_("series"), max_length=32, unique=True)
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")

    def __str__(self) -> str:
        return f"{self.series}: {self.last_value}"


class StatusChange(models.Model):
    """One lifecycle transition, readable as an event: who, from, to, why.

    simple-history keeps field diffs; this keeps the story a timeline shows.
    Written only by tcp.lifecycle; never edited.
    """

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    subject = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=64)
    from_status = models.CharField(_("from status"), max_length=64)
    to_status = models.CharField(_("to status"), max_length=64)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    history = history()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.action}: {self.from_status} → {self.to_status}"


class Email(models.TextChoices):
    """What becomes of a notification or reminder by e-mail, fixed when it is planned."""

    NOW = "now", _("Sent on its own")
    DIGEST = "digest", _("Sent in the daily digest")
    NONE = "none", _("Not e-mailed (the person muted this kind)")


class Notification(models.Model):
    """One message sent to one person about one event.

    The unique pair makes sending idempotent: a retried task finds the row
    and does not write to the person twice. ``sent_at`` is when it went out by
    e-mail (on its own or in a digest); ``read_at`` when the person opened it
    from the in-app list.
    """

    KIND = "event"

    status_change = models.ForeignKey(
        StatusChange,
        verbose_name=_("status change"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("subject"), max_length=300)
    url = models.CharField(_("url"), max_length=300, blank=True)
    email = models.CharField(_("email"), max_length=10, choices=Email.choices, default=Email.NOW)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["status_change", "recipient"], name="one_notification_per_event_and_person"
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.subject


class Dispatch(models.Model):
    """One reminder to one person: what is due, on which record, by when.

    The key (record, kind, due date, person, escalation) is unique, so a
    sweep that runs twice, or two sweeps at once, write the row once
    (``INSERT … ON CONFLICT DO NOTHING``). A worker claims pending rows
    (``claimed_at``, ``claim``) before sending; a claim older than
    ``TCP_REMINDER_RECLAIM_MINUTES`` is taken over by the next sweep, and the
    sender checks the claim under a row lock, so a reminder is sent once.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        DIGEST = "digest", _("Waiting for the daily digest")
        CLEARED = "cleared", _("Not sent: no longer due")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("content type"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("object id"))
    record = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=60)
    due_on = models.DateField(_("due on"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    escalation = models.BooleanField(
        _("escalation"),
        default=False,
        help_text=_("Sent to the supervisor because the item is long overdue."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    email = models.CharField(_("email"), max_length=10, choices=Email.choices, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    claim = models.UUIDField(_("claim"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    url = models.CharField(_("url"), max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        ordering = ["-id"]
        verbose_name_plural = _("dispatches")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "due_on", "recipient", "escalation"],
                name="one_reminder_per_item_kind_due_date_and_person",
            )
        ]
        indexes = [
            models.Index(fields=["status", "claimed_at"], name="dispatch_pending_idx"),
            models.Index(fields=["recipient", "read_at"], name="dispatch_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.kind} {self.due_on}"


class ScreeningCriterion(ReferenceModel):
    """A written, weighted criterion every request is screened against."""

    weight = models.PositiveSmallIntegerField(
        _("weight"), help_text=_("How much a point on this criterion counts in the total.")
    )
    guidance = models.TextField(_("guidance"), blank=True, help_text=_("What each score means."))
    history = history()

    class Meta(ReferenceModel.Meta):
        verbose_name = _("screening criterion")
        verbose_name_plural = _("screening criteria")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(weight__gte=1), name="criterion_weight_positive"
            )
        ]

    @property
    def translated_guidance(self) -> str:
        return translated.name(self.guidance)


class RosterExpert(models.Model):
    """An expert on OHCHR's roster, drawn on for missions and programmes.

    Kept in the core because needs assessments (missions) and programmes
    (experts) both draw on the same roster.
    """

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    nationality = models.ForeignKey(
        Country,
        verbose_name=_("nationality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    expertise = models.ManyToManyField(
        ThematicArea, verbose_name=_("expertise"), blank=True, related_name="+"
    )
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    # An expert with an account may be given access to single records.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roster_entry",
    )
    is_active = models.BooleanField(_("is active"), default=True)
    history = history(m2m_fields=[expertise])

    class Meta:
        verbose_name = _("roster expert")
        verbose_name_plural = _("roster experts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _report_path(instance: Any, filename: str) -> str:
    import os
    import uuid

    # The stored name is never a user's: a random name with the file's own extension.
    extension = os.path.splitext(filename)[1].lower() or ".pdf"
    return f"reports/{uuid.uuid4().hex}{extension}"


class Report(models.Model):
    """A PDF someone asked for: rendered by a worker, stored, served to them only.

    ``fingerprint`` is a hash of the HTML the report was rendered from (its
    data as its requester sees it, its language and template): a report
    whose fingerprint matches a ready one is not rendered again but shares
    its file.
    """

    class Kind(models.TextChoices):
        REQUEST = "request", _("Request summary")
        ASSESSMENT = "assessment", _("Needs assessment report")
        PROGRAMME = "programme", _("Programme document")
        EVALUATION = "evaluation", _("Evaluation report")
        ANNUAL = "annual", _("Annual programme report")
        EXPORT = "export", _("List export")
        HISTORY = "history", _("Record history")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The record it covers (its primary key and reference), or the year of an annual report.
    subject_id = models.PositiveBigIntegerField(_("subject id"), null=True, blank=True)
    reference = models.CharField(_("reference"), max_length=40)
    params = models.JSONField(_("params"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    error = models.TextField(_("error"), blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True, db_index=True)
    file = models.FileField(_("file"), upload_to=_report_path, max_length=255, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    # Of a list export: how many rows it holds.
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    size = models.PositiveIntegerField(_("size"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = history()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="report_requester_idx")
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} {self.reference}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("report", args=[self.pk])


class ChangeEvent(models.Model):
    """One line of the change log: an index over every history record, written in the
    same transaction as the record it describes (``tcp.changelog``). Append-only.

    It carries what the log filters and shows without reading the history tables:
    when, who, the kind of change, the record (its model, id and label as it was),
    the record page it belongs to (``anchor``: the record itself when it has a
    reference, else its nearest parent that has one, whose reference is kept for
    search) and its country. A record of several countries has one row per
    country; the first is ``is_primary`` and the only one the unfiltered log lists.
    ``changes`` holds the fields that changed, old and new (related records by
    their names as they were), so a page of the log is one query.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        CHANGED = "changed", _("Changed")
        DELETED = "deleted", _("Deleted")
        TRANSITION = "transition", _("Status change")

    id = models.BigAutoField(_("id"), primary_key=True)
    at = models.DateTimeField(_("at"))
    # No constraint and no cascade: deleting a user never touches the log.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    model = models.CharField(_("model"), max_length=60)
    object_id = models.BigIntegerField(_("object id"))
    label = models.CharField(_("label"), max_length=300, blank=True)
    anchor_model = models.CharField(_("anchor model"), max_length=60)
    anchor_id = models.BigIntegerField(_("anchor id"))
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    is_primary = models.BooleanField(_("is primary"), default=True)
    # Written while its record was a State's own (a request's draft): not in the
    # log until the State shares the record (``tcp.changelog.register_private``).
    private = models.BooleanField(_("private"), default=False)
    history_id = models.BigIntegerField(_("history id"), null=True, blank=True)
    transition = models.CharField(_("transition"), max_length=64, blank=True)
    from_status = models.CharField(_("from status"), max_length=64, blank=True)
    to_status = models.CharField(_("to status"), max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(_("changes"), default=list, blank=True)

    class Meta:
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        ordering = ["-at", "-id"]
        indexes = [
            # The log newest first, and each filter with it (keyset on (at, id)).
            models.Index(
                fields=["-at", "-id"],
                condition=Q(is_primary=True, private=False),
                name="changeevent_at_idx",
            ),
            models.Index(
                fields=["model", "-at", "-id"],
                condition=Q(is_primary=True, private=False),
                name="changeevent_model_idx",
            ),
            models.Index(
                fields=["user", "-at", "-id"],
                condition=Q(is_primary=True, private=False),
                name="changeevent_user_idx",
            ),
            models.Index(
                fields=["action", "-at", "-id"],
                condition=Q(is_primary=True, private=False),
                name="changeevent_action_idx",
            ),
            models.Index(
                fields=["reference", "-at", "-id"],
                condition=Q(is_primary=True, private=False),
                name="changeevent_reference_idx",
            ),
            models.Index(
                fields=["country", "-at", "-id"],
                condition=Q(private=False),
                name="changeevent_country_idx",
            ),
            # One record's own history, and a record page's (with its parts').
            models.Index(
                fields=["model", "object_id", "-at", "-id"], name="changeevent_object_idx"
            ),
            models.Index(
                fields=["anchor_model", "anchor_id", "-at", "-id"],
                condition=Q(is_primary=True, private=False),
                name="changeevent_anchor_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.model} {self.object_id}"


class AccessEvent(models.Model):
    """One line of the access log: a login, a failed login or lockout, a logout, a
    scope grant or revocation, a role given or taken, a download. Append-only."""

    class Kind(models.TextChoices):
        LOGIN = "login", _("Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOCKOUT = "lockout", _("Lockout")
        LOGOUT = "logout", _("Logout")
        GRANT = "grant", _("Scope granted")
        REVOKE = "revoke", _("Scope revoked")
        ROLE_ADDED = "role_added", _("Role given")
        ROLE_REMOVED = "role_removed", _("Role taken away")
        DOWNLOAD = "download", _("Download")

    id = models.BigAutoField(_("id"), primary_key=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Who acted (None: an unknown username, or a system task).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The username typed (failed logins), or the user's at the time.
    username = models.CharField(_("username"), max_length=150, blank=True)
    # Whose scope or role changed.
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("subject user"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # What: the country, presence, role or file, as a person reads it.
    what = models.CharField(_("what"), max_length=300, blank=True)
    # The record concerned (a reference), for search.
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="accessevent_at_idx"),
            models.Index(fields=["kind", "-at", "-id"], name="accessevent_kind_idx"),
            models.Index(fields=["user", "-at", "-id"], name="accessevent_user_idx"),
            models.Index(fields=["username", "-at", "-id"], name="accessevent_username_idx"),
            models.Index(fields=["address", "-at", "-id"], name="accessevent_address_idx"),
            models.Index(fields=["reference", "-at", "-id"], name="accessevent_reference_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username} {self.what}"

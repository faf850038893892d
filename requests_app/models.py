from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from tcp.documents import DocumentBase, Visibility
from tcp.history import history
from tcp.models import (
    Country,
    FormOfAssistance,
    Mechanism,
    ScreeningCriterion,
    SustainableDevelopmentGoal,
    ThematicArea,
    TimeStampedModel,
)


class Recommendation(TimeStampedModel):
    """A recommendation of a human rights mechanism to a State.

    Keyed on the Universal Human Rights Index's record identifier when it
    comes from there, so that re-importing an export updates, never doubles.
    Requests, programmes and evaluations cite these records.
    """

    class UprPosition(models.TextChoices):
        SUPPORTED = "supported", _("Supported")
        NOTED = "noted", _("Noted")

    class Implementation(models.TextChoices):
        NOT_ASSESSED = "not_assessed", _("Not assessed")
        NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
        PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
        IMPLEMENTED = "implemented", _("Implemented")

    uhri_id = models.CharField(
        _("UHRI identifier"),
        max_length=64,
        unique=True,
        null=True,
        blank=True,
        help_text=_("The record's identifier in the Universal Human Rights Index, if any."),
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="recommendations"
    )
    mechanism = models.ForeignKey(
        Mechanism, verbose_name=_("mechanism"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"))
    session_or_cycle = models.CharField(_("session or cycle"), max_length=100, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    document_symbol = models.CharField(_("document symbol"), max_length=100, blank=True)
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="+"
    )
    affected_persons = models.CharField(
        _("affected persons"),
        max_length=500,
        blank=True,
        help_text=_("Groups concerned, separated by semicolons."),
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="+", verbose_name=_("SDGs")
    )
    upr_position = models.CharField(
        _("position of the State (UPR)"), max_length=16, choices=UprPosition.choices, blank=True
    )
    implementation_status = models.CharField(
        _("implementation status"),
        max_length=32,
        choices=Implementation.choices,
        default=Implementation.NOT_ASSESSED,
    )
    history = history(m2m_fields=[thematic_areas, sdgs])

    class Meta:
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["country", "mechanism"])]

    def __str__(self) -> str:
        label = (
            self.document_symbol
            or self.mechanism.translated_abbreviation
            or self.mechanism.translated_name
        )
        return f"{label}: {self.text[:80]}"

    def clean(self) -> None:
        if self.upr_position and self.mechanism_id and self.mechanism.kind != Mechanism.Kind.UPR:
            raise ValidationError(
                {"upr_position": _("Only UPR recommendations carry the State's position.")}
            )


class AssistanceRequest(TimeStampedModel):
    """A State's request for technical cooperation, submitted by its focal point."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("status of a request", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("status of a request", "Submitted")
        ACKNOWLEDGED = "acknowledged", pgettext_lazy("status of a request", "Acknowledged")
        INFORMATION_REQUESTED = (
            "information_requested",
            pgettext_lazy("status of a request", "Information requested"),
        )
        # Stored as "under_assessment"; it is OHCHR's screening of the request against the
        # criteria, not the needs assessment that may follow an acceptance.
        UNDER_ASSESSMENT = (
            "under_assessment",
            pgettext_lazy("status of a request", "Being screened"),
        )
        ACCEPTED = "accepted", pgettext_lazy("status of a request", "Accepted")
        DECLINED = "declined", pgettext_lazy("status of a request", "Declined")
        WITHDRAWN = "withdrawn", pgettext_lazy("status of a request", "Withdrawn")

    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="requests"
    )
    title = models.CharField(_("title"), max_length=300)
    requesting_authority = models.CharField(
        _("requesting authority"),
        max_length=300,
        blank=True,
        help_text=_("The ministry or body making the request."),
    )
    description = models.TextField(_("description"), blank=True)
    justification = models.TextField(_("justification"), blank=True)
    thematic_areas = models.ManyToManyField(
        ThematicArea, verbose_name=_("thematic areas"), blank=True, related_name="requests"
    )
    forms_of_assistance = models.ManyToManyField(
        FormOfAssistance, verbose_name=_("forms of assistance"), blank=True, related_name="requests"
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="requests", verbose_name=_("SDGs")
    )
    recommendations = models.ManyToManyField(
        Recommendation,
        verbose_name=_("recommendations"),
        blank=True,
        related_name="requests",
        help_text=_("Recommendations of the human rights mechanisms the request answers."),
    )
    desired_start = models.DateField(_("desired start"), null=True, blank=True)
    desired_end = models.DateField(_("desired end"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    decline_reason = models.TextField(_("decline reason"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The first submission: kept when the request is resubmitted after a question, so
    # the days to a decision count from when the State first asked.
    submitted_at = models.DateTimeField(_("first submitted"), null=True, blank=True)
    # The latest answer and resubmission, if any (the desk officer acknowledges it again).
    resubmitted_at = models.DateTimeField(_("resubmitted"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    history = history(m2m_fields=[thematic_areas, forms_of_assistance, sdgs, recommendations])

    class Meta:
        verbose_name_plural = _("requests")
        ordering = ["-created_at"]
        verbose_name = _("request")
        permissions = [
            ("submit_assistancerequest", _("Submit, answer and withdraw requests for a State")),
            ("triage_assistancerequest", _("Acknowledge, question and screen requests")),
            ("decide_assistancerequest", _("Accept or decline requests")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="request_declined_has_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(desired_end__isnull=True)
                | models.Q(desired_start__isnull=True)
                | models.Q(desired_end__gte=models.F("desired_start")),
                name="request_desired_dates_in_order",
            ),
        ]
        indexes = [
            # Counts by status, and the accepted requests still awaiting an assessment
            # oldest decision first, read from the index alone.
            models.Index(
                fields=["country", "status", "decided_at", "id"], name="request_country_status_idx"
            ),
            # The lists' default order, newest first, for those who see every country.
            models.Index(fields=["created_at", "id"], name="request_created_idx"),
            # Counting a scope with exception grants reads the index only (tcp.selectors).
            models.Index(fields=["country", "id"], name="request_country_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("requests_app:detail", args=[self.pk])

    @property
    def last_submitted_at(self):
        """When OHCHR last received it: the resubmission, else the first submission."""
        return self.resubmitted_at or self.submitted_at


class AssistanceRequestUserObjectPermission(UserObjectPermissionBase):
    """Exception grants on one request (a second ministry invited to it)."""

    content_object = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE)
    history = history()


class AssistanceRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE)
    history = history()


class RequestDocument(DocumentBase):
    class Kind(models.TextChoices):
        OFFICIAL_LETTER = "official_letter", _("Official letter")
        SUPPORTING = "supporting", _("Supporting document")

    request = models.ForeignKey(
        AssistanceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.SUPPORTING)
    history = history()

    class Meta(DocumentBase.Meta):
        verbose_name = _("request document")
        verbose_name_plural = _("request documents")
        constraints = [
            # Per visibility: a focal point's duplicate check looks only at what
            # they can read, so the same file may sit beside an internal copy.
            models.UniqueConstraint(
                fields=["request", "sha256", "visibility"], name="request_document_not_twice"
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("requests_app:document", args=[self.request_id, self.pk])


class Message(models.Model):
    """A message in the request's thread with the government, or an internal note.

    Shared messages are the conversation between the State and OHCHR;
    internal notes are for OHCHR only and never reach the government.
    """

    request = models.ForeignKey(
        AssistanceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="messages",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    body = models.TextField(_("body"))
    visibility = models.CharField(_("visibility"), max_length=16, choices=Visibility.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = history()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["request", "visibility", "created_at"])]

    def __str__(self) -> str:
        return self.body[:80]


class Screening(TimeStampedModel):
    """OHCHR's screening of a request against the written criteria."""

    request = models.OneToOneField(
        AssistanceRequest,
        verbose_name=_("request"),
        on_delete=models.CASCADE,
        related_name="screening",
    )
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("screened by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    summary = models.TextField(_("summary"), blank=True)
    history = history()

    class Meta(TimeStampedModel.Meta):
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")

    def __str__(self) -> str:
        return f"Screening of {self.request.reference}"


class ScreeningScore(models.Model):
    MAX_SCORE = 5

    screening = models.ForeignKey(
        Screening, verbose_name=_("screening"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        ScreeningCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    # The weight in force when the score was given, so that a later change of
    # the criteria does not rewrite past screenings.
    weight = models.PositiveSmallIntegerField(_("weight"))
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"))
    history = history()

    class Meta:
        verbose_name = _("screening score")
        verbose_name_plural = _("screening scores")
        ordering = ["criterion__sort_order", "criterion__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "criterion"], name="one_score_per_criterion"
            ),
            models.CheckConstraint(condition=models.Q(score__lte=5), name="score_at_most_5"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"

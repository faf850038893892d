from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from requests_app.models import AssistanceRequest, Recommendation
from tcp.documents import DocumentBase, Visibility
from tcp.history import history
from tcp.models import (
    Country,
    FieldPresence,
    FormOfAssistance,
    RosterExpert,
    ThematicArea,
    TimeStampedModel,
)


class NeedsAssessment(TimeStampedModel):
    """The assessment of a State's needs that follows an accepted request."""

    class Mode(models.TextChoices):
        FIELD_PRESENCE = "field_presence", _("By the OHCHR field presence")
        MISSION = "mission", _("By a mission to the State")

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("status of a needs assessment", "Planned")
        IN_PROGRESS = "in_progress", pgettext_lazy("status of a needs assessment", "In progress")
        FINDINGS_SUBMITTED = (
            "findings_submitted",
            pgettext_lazy("status of a needs assessment", "Findings submitted"),
        )
        VALIDATED = "validated", pgettext_lazy("status of a needs assessment", "Validated")
        SHARED = (
            "shared_with_government",
            pgettext_lazy("status of a needs assessment", "Shared with the government"),
        )

    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    request = models.OneToOneField(
        AssistanceRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="needs_assessment",
    )
    # Copied from the request at creation (it never changes) so that scoping
    # is one indexed country_id filter, like every other record.
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="assessments"
    )
    # The assessment's own title (the request's, at planning), so that a page
    # never reaches into a request its reader may not open (an invited expert).
    title = models.CharField(_("title"), max_length=300)
    mode = models.CharField(_("mode"), max_length=32, choices=Mode.choices)
    field_presence = models.ForeignKey(
        FieldPresence,
        verbose_name=_("field presence"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text=_("The presence conducting the assessment, in field-presence mode."),
    )
    mission_start = models.DateField(_("mission start"), null=True, blank=True)
    mission_end = models.DateField(_("mission end"), null=True, blank=True)
    terms_of_reference = models.TextField(_("terms of reference"), blank=True)
    team_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("OHCHR staff")
    )
    team_experts = models.ManyToManyField(
        RosterExpert, blank=True, related_name="assessments", verbose_name=_("roster experts")
    )
    due_date = models.DateField(_("due date"), help_text=_("When the findings are due."))
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    history = history(m2m_fields=[team_staff, team_experts])

    class Meta:
        verbose_name_plural = _("needs assessments")
        ordering = ["-created_at"]
        verbose_name = _("needs assessment")
        permissions = [
            ("plan_needsassessment", _("Plan needs assessments")),
            ("conduct_needsassessment", _("Conduct needs assessments and submit findings")),
            ("validate_needsassessment", _("Validate findings and share them with the government")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mode="field_presence") | models.Q(field_presence__isnull=False),
                name="assessment_field_mode_has_presence",
            ),
            models.CheckConstraint(
                condition=models.Q(mission_end__isnull=True)
                | models.Q(mission_start__isnull=True)
                | models.Q(mission_end__gte=models.F("mission_start")),
                name="assessment_mission_dates_in_order",
            ),
        ]
        indexes = [
            models.Index(fields=["country", "status"]),
            models.Index(fields=["due_date", "id"], name="assessment_due_idx"),
            models.Index(fields=["country", "id"], name="assessment_country_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.pk])


class NeedsAssessmentUserObjectPermission(UserObjectPermissionBase):
    """Exception grants on one assessment (an external roster expert)."""

    content_object = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE)
    history = history()


class NeedsAssessmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE)
    history = history()


class Consultation(TimeStampedModel):
    """One meeting of the assessment with a party in the country."""

    class Party(models.TextChoices):
        MINISTRY = "ministry", _("Ministry or government body")
        PARLIAMENT = "parliament", _("Parliament")
        JUDICIARY = "judiciary", _("Judiciary")
        NHRI = "nhri", _("National human rights institution")
        NGO = "ngo", _("Non-governmental organisation")
        INDIVIDUAL = "individual", _("Individual")
        UN_AGENCY = "un_agency", _("UN agency")
        DONOR = "donor", _("Donor")
        OTHER = "other", _("Other")

    assessment = models.ForeignKey(
        NeedsAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="consultations",
    )
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    party = models.CharField(_("party"), max_length=16, choices=Party.choices)
    organisation = models.CharField(_("organisation"), max_length=300, blank=True)
    participants_women = models.PositiveIntegerField(_("participants women"), default=0)
    participants_men = models.PositiveIntegerField(_("participants men"), default=0)
    participants_other = models.PositiveIntegerField(
        _("participants other"), default=0, help_text=_("Participants of another or no stated sex.")
    )
    summary = models.TextField(_("summary"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = history()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["date", "id"]
        indexes = [models.Index(fields=["assessment", "party"])]

    def __str__(self) -> str:
        return f"{self.get_party_display()}: {self.organisation or self.place} ({self.date})"

    @property
    def participants(self) -> int:
        return self.participants_women + self.participants_men + self.participants_other


class Finding(TimeStampedModel):
    """A need found in one thematic area, and the assistance it calls for."""

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    assessment = models.ForeignKey(
        NeedsAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="findings",
    )
    thematic_area = models.ForeignKey(
        ThematicArea, verbose_name=_("thematic area"), on_delete=models.PROTECT, related_name="+"
    )
    need = models.TextField(_("need"))
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices)
    existing_capacity = models.TextField(_("existing capacity"), blank=True)
    recommended_assistance = models.ForeignKey(
        FormOfAssistance,
        verbose_name=_("recommended assistance"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recommendations = models.ManyToManyField(
        Recommendation,
        verbose_name=_("recommendations"),
        blank=True,
        related_name="findings",
        help_text=_("Recommendations of the mechanisms this finding answers."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.SHARED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = history(m2m_fields=[recommendations])

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["thematic_area__sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.thematic_area}: {self.get_priority_display()}"


class AssessmentDocument(DocumentBase):
    class Kind(models.TextChoices):
        REPORT = "report", _("Assessment report")
        MINUTES = "minutes", _("Meeting minutes")
        PHOTO = "photo", _("Photo")
        SPREADSHEET = "spreadsheet", _("Spreadsheet")
        OTHER = "other", _("Other")

    assessment = models.ForeignKey(
        NeedsAssessment,
        verbose_name=_("assessment"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    history = history()

    class Meta(DocumentBase.Meta):
        verbose_name = _("assessment document")
        verbose_name_plural = _("assessment documents")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "sha256"], name="assessment_document_not_twice"
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("assessments:document", args=[self.assessment_id, self.pk])

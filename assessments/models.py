from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from requests_app.models import AssistanceRequest
from tcp.history import history
from tcp.models import Country, FieldPresence, TimeStampedModel


class NeedsAssessment(TimeStampedModel):
    """The assessment of a State's needs that follows an accepted request."""

    class Mode(models.TextChoices):
        FIELD_PRESENCE = "field_presence", _("By the OHCHR field presence")
        MISSION = "mission", _("By a mission to the State")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        FINDINGS_SUBMITTED = "findings_submitted", _("Findings submitted")
        VALIDATED = "validated", _("Validated")
        SHARED = "shared_with_government", _("Shared with the government")

    reference = models.CharField(max_length=32, unique=True, editable=False)
    request = models.OneToOneField(
        AssistanceRequest, on_delete=models.PROTECT, related_name="needs_assessment"
    )
    # Copied from the request at creation (it never changes) so that scoping
    # is one indexed country_id filter, like every other record.
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="assessments")
    mode = models.CharField(max_length=32, choices=Mode.choices)
    field_presence = models.ForeignKey(
        FieldPresence,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        help_text=_("The presence conducting the assessment, in field-presence mode."),
    )
    mission_start = models.DateField(null=True, blank=True)
    mission_end = models.DateField(null=True, blank=True)
    terms_of_reference = models.TextField(blank=True)
    due_date = models.DateField(help_text=_("When the findings are due."))
    summary = models.TextField(blank=True)
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.PLANNED, db_index=True
    )
    history = history()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("needs assessment")
        permissions = [
            ("plan_needsassessment", "Plan needs assessments"),
            ("conduct_needsassessment", "Conduct needs assessments and submit findings"),
            ("validate_needsassessment", "Validate findings and share them with the government"),
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
        indexes = [models.Index(fields=["country", "status"])]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("assessments:detail", args=[self.pk])


class NeedsAssessmentUserObjectPermission(UserObjectPermissionBase):
    """Exception grants on one assessment (an external roster expert)."""

    content_object = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE)
    history = history()


class NeedsAssessmentGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(NeedsAssessment, on_delete=models.CASCADE)
    history = history()

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from tcp.history import history
from tcp.models import (
    Country,
    FormOfAssistance,
    SustainableDevelopmentGoal,
    ThematicArea,
    TimeStampedModel,
)


class AssistanceRequest(TimeStampedModel):
    """A State's request for technical cooperation, submitted by its focal point."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        INFORMATION_REQUESTED = "information_requested", _("Information requested")
        UNDER_ASSESSMENT = "under_assessment", _("Under assessment")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    reference = models.CharField(max_length=32, unique=True, editable=False)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="requests")
    title = models.CharField(max_length=300)
    requesting_authority = models.CharField(
        max_length=300, blank=True, help_text=_("The ministry or body making the request.")
    )
    description = models.TextField(blank=True)
    justification = models.TextField(blank=True)
    thematic_areas = models.ManyToManyField(ThematicArea, blank=True, related_name="requests")
    forms_of_assistance = models.ManyToManyField(
        FormOfAssistance, blank=True, related_name="requests"
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="requests", verbose_name="SDGs"
    )
    desired_start = models.DateField(null=True, blank=True)
    desired_end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    decline_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    history = history(m2m_fields=[thematic_areas, forms_of_assistance, sdgs])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("request")
        permissions = [
            ("submit_assistancerequest", "Submit, answer and withdraw requests for a State"),
            ("triage_assistancerequest", "Acknowledge, question and screen requests"),
            ("decide_assistancerequest", "Accept or decline requests"),
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
        indexes = [models.Index(fields=["country", "status"])]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("requests_app:detail", args=[self.pk])


class AssistanceRequestUserObjectPermission(UserObjectPermissionBase):
    """Exception grants on one request (a second ministry invited to it)."""

    content_object = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE)
    history = history()


class AssistanceRequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AssistanceRequest, on_delete=models.CASCADE)
    history = history()

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessments.models import NeedsAssessment
from tcp.history import history
from tcp.models import (
    BoardComponent,
    Country,
    Region,
    SustainableDevelopmentGoal,
    ThematicArea,
    TimeStampedModel,
)

# Reference codes of programmes that cover more than one country.
REGION_CODES = {
    Region.AFRICA: "AFR",
    Region.AMERICAS: "AME",
    Region.ASIA_PACIFIC: "ASP",
    Region.EUROPE_CENTRAL_ASIA: "ECA",
    Region.MIDDLE_EAST_NORTH_AFRICA: "MNA",
}


class Programme(TimeStampedModel):
    """An assistance programme: national, regional or global/interregional."""

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        GLOBAL = "global", _("Global / interregional")

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Drafting")
        UNDER_REVIEW = "under_review", _("Under review")
        APPROVED = "approved", _("Approved")
        ACCEPTED = "accepted", _("Accepted by the government")
        IN_IMPLEMENTATION = "in_implementation", _("In implementation")
        SUSPENDED = "suspended", _("Suspended")
        COMPLETED = "completed", _("Completed")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(max_length=32, unique=True, editable=False)
    title = models.CharField(max_length=300)
    scope = models.CharField(max_length=16, choices=Scope.choices, default=Scope.NATIONAL)
    region = models.CharField(max_length=32, choices=Region.choices, blank=True)
    countries = models.ManyToManyField(Country, related_name="programmes")
    assessment = models.ForeignKey(
        NeedsAssessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("The needs assessment the programme answers (national programmes)."),
    )
    objective = models.TextField(blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=32, choices=Status.choices, default=Status.DRAFTING, db_index=True
    )
    board_components = models.ManyToManyField(BoardComponent, blank=True, related_name="+")
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="+", verbose_name="SDGs"
    )
    history = history(m2m_fields=[countries, board_components, sdgs])

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("programme")
        permissions = [
            ("draft_programme", "Draft programmes and run their implementation"),
            ("approve_programme", "Approve, suspend, close and cancel programmes"),
            ("accept_programme", "Accept a programme on behalf of the government"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="programme_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.pk])


class ProgrammeAcceptance(models.Model):
    """One covered State's acceptance of an approved programme.

    Each State a regional programme covers accepts it for itself, through its
    own focal point; the programme is accepted once every State has.
    """

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="acceptances")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="+")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(auto_now_add=True)
    history = history()

    class Meta:
        ordering = ["accepted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "country"], name="one_acceptance_per_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.reference}: {self.country}"


class Component(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="components")
    thematic_area = models.ForeignKey(ThematicArea, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=300)
    objective = models.TextField(blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    history = history()

    class Meta:
        ordering = ["programme", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.programme_id])

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from programmes.models import Programme
from tcp.history import history
from tcp.models import Country, TimeStampedModel


class Evaluation(TimeStampedModel):
    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic (during implementation)")
        POST_IMPLEMENTATION = "post_implementation", _("Post-implementation")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        ACCEPTED = "accepted", _("Accepted")

    reference = models.CharField(max_length=32, unique=True, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="evaluations")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    due_date = models.DateField()
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    # The States whose governments read the accepted evaluation (its summary
    # and the actions assigned to them): named, one, several or all covered.
    shared_with = models.ManyToManyField(
        Country, blank=True, related_name="+", verbose_name=_("shared with")
    )
    history = history(m2m_fields=[shared_with])

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("evaluation")
        permissions = [
            ("schedule_evaluation", "Schedule evaluations"),
            ("conduct_evaluation", "Conduct evaluations and submit reports"),
            ("accept_evaluation", "Accept evaluation reports"),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("evaluations:detail", args=[self.pk])


class FollowUpAction(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done (verified by OHCHR)")
        DROPPED = "dropped", _("Dropped")

    evaluation = models.ForeignKey(
        Evaluation, on_delete=models.CASCADE, related_name="follow_up_actions"
    )
    description = models.TextField()
    owner = models.CharField(max_length=200, help_text=_("Who carries the action out."))
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The government of a named State carries the action out; it sees and
    # updates it once the evaluation is accepted and shared with that State.
    responsible_state = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Set when the government of a State carries the action out."),
    )
    due_date = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    history = history()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up action")
        permissions = [("verify_followupaction", "Verify follow-up actions as done")]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("evaluations:follow_up_detail", args=[self.pk])

"""Evaluations of assistance programmes, their ratings on the OECD-DAC criteria, the
snapshot of the programme they took, and the follow-up plan they produce.

Periodic evaluations are scheduled from a programme's dates when it is approved
(``evaluations.scheduling``) and a post-implementation one after its end. The
rating scales and the criteria are reference data administrators keep in the
admin. A follow-up plan is the evaluation's recommendations, each with OHCHR's
management response, and the actions under them, tracked to closure.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from programmes.models import Programme
from requests_app.models import AssistanceRequest
from tcp import translated
from tcp.documents import DocumentBase
from tcp.history import history
from tcp.models import Country, RosterExpert, TimeStampedModel

USD = {"max_digits": 14, "decimal_places": 2}
MEASURE = {"max_digits": 16, "decimal_places": 2}


# --- reference data: the criteria and the scales they are rated on ---


class RatingScale(models.Model):
    """A scale ratings are given on: the six-point satisfaction scale, the four-point
    likelihood scale (sustainability)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    history = history()

    class Meta:
        verbose_name = _("rating scale")
        verbose_name_plural = _("rating scales")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.translated_name

    @property
    def translated_name(self) -> str:
        return translated.name(self.name)

    @property
    def translated_description(self) -> str:
        return translated.name(self.description)


class RatingLevel(models.Model):
    """One step of a scale; ``value`` orders the steps, the higher the better."""

    scale = models.ForeignKey(
        RatingScale, verbose_name=_("scale"), on_delete=models.CASCADE, related_name="levels"
    )
    code = models.SlugField(_("code"), max_length=64)
    label = models.CharField(_("label"), max_length=200)
    value = models.PositiveSmallIntegerField(_("value"), help_text=_("The higher, the better."))
    description = models.TextField(_("description"), blank=True)
    history = history()

    class Meta:
        verbose_name = _("rating level")
        verbose_name_plural = _("rating levels")
        ordering = ["scale", "-value"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "code"], name="rating_level_code_once"),
            models.UniqueConstraint(fields=["scale", "value"], name="rating_level_value_once"),
        ]

    def __str__(self) -> str:
        return self.translated_label

    @property
    def translated_label(self) -> str:
        return translated.name(self.label)

    @property
    def translated_description(self) -> str:
        return translated.name(self.description)


class EvaluationCriterion(models.Model):
    """An OECD-DAC criterion (relevance, coherence, …) and the scale it is rated on."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    question = models.TextField(
        _("question"), blank=True, help_text=_("The question the criterion asks.")
    )
    scale = models.ForeignKey(
        RatingScale, verbose_name=_("scale"), on_delete=models.PROTECT, related_name="criteria"
    )
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)
    is_active = models.BooleanField(_("is active"), default=True)
    history = history()

    class Meta:
        verbose_name = _("evaluation criterion")
        ordering = ["sort_order", "name"]
        verbose_name_plural = _("evaluation criteria")

    def __str__(self) -> str:
        return self.translated_name

    @property
    def translated_name(self) -> str:
        return translated.name(self.name)

    @property
    def translated_question(self) -> str:
        return translated.name(self.question)


# --- the evaluation ---


class Evaluation(TimeStampedModel):
    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Periodic (during implementation)")
        POST_IMPLEMENTATION = "post_implementation", _("Post-implementation")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("status of an evaluation", "Scheduled")
        IN_PROGRESS = "in_progress", pgettext_lazy("status of an evaluation", "In progress")
        SUBMITTED = "submitted", pgettext_lazy("status of an evaluation", "Submitted")
        ACCEPTED = "accepted", pgettext_lazy("status of an evaluation", "Accepted")
        DROPPED = "dropped", pgettext_lazy("status of an evaluation", "Dropped (not carried out)")

    class EvaluatorKind(models.TextChoices):
        STAFF = "staff", _("OHCHR staff")
        ROSTER = "roster", _("An expert from the roster")
        FIRM = "firm", _("An external firm")

    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="evaluations"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    due_date = models.DateField(_("due date"))
    period_start = models.DateField(_("period covered from"), null=True, blank=True)
    period_end = models.DateField(_("period covered to"), null=True, blank=True)
    # Its place in the schedule drawn from the programme's dates (1, 2, … for the
    # periodic ones, 0 for the post-implementation one); empty when added by hand.
    sequence = models.PositiveSmallIntegerField(
        _("sequence"), null=True, blank=True, editable=False
    )
    evaluator_kind = models.CharField(
        _("evaluator kind"), max_length=16, choices=EvaluatorKind.choices, blank=True
    )
    evaluator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("OHCHR staff member"),
    )
    evaluator_expert = models.ForeignKey(
        RosterExpert,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
        verbose_name=_("roster expert"),
    )
    evaluator_firm = models.CharField(_("external firm"), max_length=300, blank=True)
    terms_of_reference = models.TextField(_("terms of reference"), blank=True)
    methodology = models.TextField(_("methodology"), blank=True)
    findings = models.TextField(_("findings"), blank=True)
    conclusions = models.TextField(_("conclusions"), blank=True)
    lessons_learned = models.TextField(_("lessons learned"), blank=True)
    # What the governments read of the evaluation.
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.SCHEDULED, db_index=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    snapshot_taken_at = models.DateTimeField(_("snapshot taken at"), null=True, blank=True)
    # The States whose governments read the accepted evaluation (its summary
    # and the actions assigned to them): named, one, several or all covered.
    shared_with = models.ManyToManyField(
        Country, blank=True, related_name="+", verbose_name=_("shared with")
    )
    history = history(m2m_fields=[shared_with])

    class Meta:
        verbose_name_plural = _("evaluations")
        ordering = ["due_date", "id"]
        verbose_name = _("evaluation")
        permissions = [
            ("schedule_evaluation", _("Schedule evaluations")),
            ("conduct_evaluation", _("Conduct evaluations and submit reports")),
            ("accept_evaluation", _("Accept evaluation reports")),
            ("respond_evaluation", _("Give OHCHR's management response to recommendations")),
            ("drop_evaluation", _("Drop evaluations not started when a programme changes")),
            ("view_evaluation_overview", _("See the overview of evaluations and follow-up")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True)
                | models.Q(period_start__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="evaluation_period_in_order",
            ),
            # The schedule never holds the same slot twice (a dropped one may come back).
            models.UniqueConstraint(
                fields=["programme", "kind", "sequence"],
                condition=models.Q(sequence__isnull=False) & ~models.Q(status="dropped"),
                name="evaluation_slot_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="evaluation_due_idx")]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return reverse("evaluations:detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        kind = self.evaluator_kind
        if kind == self.EvaluatorKind.STAFF and self.evaluator_user_id is None:
            errors["evaluator_user"] = _("Choose the staff member who evaluates.")
        if kind == self.EvaluatorKind.ROSTER and self.evaluator_expert_id is None:
            errors["evaluator_expert"] = _("Choose the expert from the roster.")
        if kind == self.EvaluatorKind.FIRM and not self.evaluator_firm.strip():
            errors["evaluator_firm"] = _("Name the firm.")
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = _("The period ends before it starts.")
        if errors:
            raise ValidationError(errors)

    @property
    def evaluator(self) -> str:
        """Who evaluates, as a person reads it."""
        if self.evaluator_kind == self.EvaluatorKind.STAFF and self.evaluator_user is not None:
            return str(self.evaluator_user)
        if self.evaluator_kind == self.EvaluatorKind.ROSTER and self.evaluator_expert is not None:
            return self.evaluator_expert.name
        if self.evaluator_kind == self.EvaluatorKind.FIRM:
            return self.evaluator_firm
        return ""


class EvaluationUserObjectPermission(UserObjectPermissionBase):
    """Exception grants on one evaluation (a roster expert invited to evaluate it)."""

    content_object = models.ForeignKey(Evaluation, on_delete=models.CASCADE)
    history = history()


class EvaluationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Evaluation, on_delete=models.CASCADE)
    history = history()


class CriterionRating(models.Model):
    """The evaluation's rating on one criterion, on the criterion's scale, justified."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="ratings"
    )
    criterion = models.ForeignKey(
        EvaluationCriterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.ForeignKey(
        RatingLevel, verbose_name=_("level"), on_delete=models.PROTECT, related_name="+"
    )
    justification = models.TextField(_("justification"))
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = history()

    class Meta:
        verbose_name = _("criterion rating")
        verbose_name_plural = _("criterion ratings")
        ordering = ["criterion__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="one_rating_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.level}"

    def clean(self) -> None:
        if self.criterion_id and self.level_id and self.level.scale_id != self.criterion.scale_id:
            raise ValidationError({"level": _("Rate on the criterion's own scale.")})


# --- the snapshot of the programme, as it stood when evaluated ---


class IndicatorSnapshot(models.Model):
    """An indicator of the programme as the evaluation found it: copied, not linked,
    so that later changes to the programme do not move what was evaluated."""

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="indicator_snapshots",
    )
    position = models.PositiveIntegerField(_("position"))
    component = models.CharField(_("component"), max_length=300)
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=60)
    baseline = models.DecimalField(_("baseline"), **MEASURE)
    target = models.DecimalField(_("target"), **MEASURE)
    actual = models.DecimalField(_("actual"), **MEASURE, null=True, blank=True)
    history = history()

    class Meta:
        verbose_name = _("indicator snapshot")
        verbose_name_plural = _("indicator snapshots")
        ordering = ["evaluation", "position"]

    def __str__(self) -> str:
        return self.name


class BudgetSnapshot(models.Model):
    """Budget execution as the evaluation found it: in all, by source, by component."""

    class Dimension(models.TextChoices):
        TOTAL = "total", _("Total")
        SOURCE = "source", _("By funding source")
        COMPONENT = "component", _("By component")

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="budget_snapshots",
    )
    position = models.PositiveIntegerField(_("position"))
    dimension = models.CharField(_("dimension"), max_length=16, choices=Dimension.choices)
    label = models.CharField(_("label"), max_length=300, blank=True)
    budget = models.DecimalField(_("budget"), **USD)
    spent = models.DecimalField(_("spent"), **USD)
    history = history()

    class Meta:
        verbose_name = _("budget snapshot")
        verbose_name_plural = _("budget snapshots")
        ordering = ["evaluation", "position"]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()} {self.label}".strip()

    @property
    def balance(self) -> object:
        return self.budget - self.spent


class EvaluationDocument(DocumentBase):
    class Kind(models.TextChoices):
        TERMS_OF_REFERENCE = "terms_of_reference", _("Terms of reference")
        INCEPTION_REPORT = "inception_report", _("Inception report")
        REPORT = "report", _("Evaluation report")
        DATA = "data", _("Data or annex")
        OTHER = "other", _("Other")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.OTHER)
    history = history()

    class Meta(DocumentBase.Meta):
        verbose_name = _("evaluation document")
        verbose_name_plural = _("evaluation documents")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "sha256"], name="evaluation_document_not_twice"
            )
        ]

    def get_absolute_url(self) -> str:
        return reverse("evaluations:document", args=[self.evaluation_id, self.pk])


# --- the follow-up plan ---


class EvaluationRecommendation(TimeStampedModel):
    """A recommendation the evaluation makes, and OHCHR's management response to it."""

    class Response(models.TextChoices):
        AGREE = "agree", _("Agree")
        PARTIALLY_AGREE = "partially_agree", _("Partially agree")
        DISAGREE = "disagree", _("Disagree")

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="recommendations",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("text"))
    response = models.CharField(_("response"), max_length=16, choices=Response.choices, blank=True)
    response_reason = models.TextField(
        _("response reason"), blank=True, help_text=_("Why OHCHR only partly agrees, or disagrees.")
    )
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = history()

    class Meta:
        verbose_name_plural = _("recommendations of an evaluation")
        ordering = ["evaluation", "number", "id"]
        verbose_name = _("recommendation of an evaluation")
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "number"], name="recommendation_number_once"
            ),
            models.CheckConstraint(
                condition=models.Q(response__in=["", "agree"]) | ~models.Q(response_reason=""),
                name="recommendation_response_reasoned",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.text[:80]}"

    def clean(self) -> None:
        if self.response not in ("", self.Response.AGREE) and not self.response_reason.strip():
            raise ValidationError(
                {"response_reason": _("Say why, unless OHCHR agrees with the recommendation.")}
            )


class FollowUpAction(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("status of a follow-up action", "Open")
        IN_PROGRESS = "in_progress", pgettext_lazy("status of a follow-up action", "In progress")
        DONE = "done", pgettext_lazy("status of a follow-up action", "Done, awaiting verification")
        VERIFIED = "verified", pgettext_lazy("status of a follow-up action", "Verified as adequate")
        DROPPED = "dropped", pgettext_lazy("status of a follow-up action", "Dropped")

    evaluation = models.ForeignKey(
        Evaluation,
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="follow_up_actions",
    )
    # The recommendation the action answers (empty for actions agreed before the
    # evaluation's recommendations were recorded one by one).
    recommendation = models.ForeignKey(
        EvaluationRecommendation,
        verbose_name=_("recommendation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="actions",
    )
    description = models.TextField(_("description"))
    owner = models.CharField(
        _("responsible unit or body"),
        max_length=200,
        blank=True,
        help_text=_("An OHCHR unit, or the ministry or body of the government, by name."),
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible staff member"),
    )
    # The government of a named State carries the action out; it sees and
    # updates it once the evaluation is accepted and shared with that State.
    responsible_state = models.ForeignKey(
        Country,
        verbose_name=_("responsible state"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Set when the government of a State carries the action out."),
    )
    due_date = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    # The new request the action led to (the cycle starts again).
    request = models.OneToOneField(
        AssistanceRequest,
        verbose_name=_("request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="follow_up_action",
    )
    history = history()

    class Meta:
        verbose_name_plural = _("follow-up actions")
        ordering = ["due_date", "id"]
        verbose_name = _("follow-up action")
        permissions = [("verify_followupaction", _("Verify follow-up actions as done"))]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(owner="")
                | models.Q(owner_user__isnull=False)
                | models.Q(responsible_state__isnull=False),
                name="follow_up_has_a_responsible_party",
            ),
            models.CheckConstraint(
                condition=models.Q(owner_user__isnull=True)
                | models.Q(responsible_state__isnull=True),
                name="follow_up_ohchr_or_government",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="follow_up_due_idx")]

    def __str__(self) -> str:
        return self.description[:80]

    def get_absolute_url(self) -> str:
        return reverse("evaluations:follow_up_detail", args=[self.pk])

    def clean(self) -> None:
        if self.owner_user_id and self.responsible_state_id:
            raise ValidationError(
                _("An action is carried out by OHCHR or by a government, not both.")
            )
        if not (self.owner.strip() or self.owner_user_id or self.responsible_state_id):
            raise ValidationError(
                {"owner": _("Name who carries the action out: a unit, a person or a State.")}
            )

    @property
    def responsible(self) -> str:
        """Who carries the action out, as a person reads it."""
        if self.responsible_state is not None:
            government = _("Government of %s") % self.responsible_state.translated_name
            return f"{government} ({self.owner})" if self.owner else str(government)
        if self.owner_user is not None:
            return f"{self.owner_user} ({self.owner})" if self.owner else str(self.owner_user)
        return self.owner


class FollowUpProgress(models.Model):
    """What the responsible party reports on an action, dated; evidence attached to it.

    Progress on an action assigned to a government is read by that government
    and by OHCHR alike: it is their shared record of the action.
    """

    action = models.ForeignKey(
        FollowUpAction,
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
    )
    date = models.DateField(_("date"))
    text = models.TextField(_("text"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = history()

    class Meta:
        verbose_name = _("follow-up progress")
        ordering = ["date", "id"]
        verbose_name_plural = _("follow-up progress")

    def __str__(self) -> str:
        return f"{self.date}: {self.text[:60]}"


class FollowUpEvidence(DocumentBase):
    """A file that shows what was done, attached to a progress update."""

    action = models.ForeignKey(
        FollowUpAction, verbose_name=_("action"), on_delete=models.CASCADE, related_name="evidence"
    )
    progress = models.ForeignKey(
        FollowUpProgress,
        verbose_name=_("progress"),
        on_delete=models.CASCADE,
        related_name="evidence",
    )
    history = history()

    class Meta(DocumentBase.Meta):
        verbose_name = _("follow-up evidence")
        verbose_name_plural = _("follow-up evidence")
        constraints = [
            models.UniqueConstraint(fields=["action", "sha256"], name="evidence_not_twice")
        ]

    def get_absolute_url(self) -> str:
        return reverse("evaluations:evidence", args=[self.action_id, self.pk])

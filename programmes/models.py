"""Assistance programmes: the programme document (components, indicators,
partners, budget) that OHCHR drafts, reviews and approves and the governments
accept, and its implementation (activities, experts, grants, expenditure).

Money is ``Decimal`` in US dollars (two places); totals are aggregate queries
at read time (``programmes.selectors``), never sums kept on a parent.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from assessments.models import Finding, NeedsAssessment
from requests_app.models import Recommendation
from tcp.history import history
from tcp.models import (
    BoardComponent,
    Country,
    FormOfAssistance,
    FundingSource,
    PartnerOrganisation,
    Region,
    RosterExpert,
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

USD = {"max_digits": 14, "decimal_places": 2}
MARKER_CHOICES = [
    (0, _("0: not expected to contribute")),
    (1, _("1: contributes in a limited way")),
    (2, _("2: contributes significantly")),
    (3, _("3: the principal objective")),
]


class Programme(TimeStampedModel):
    """An assistance programme: national, regional or global/interregional."""

    class Scope(models.TextChoices):
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        GLOBAL = "global", _("Global / interregional")

    class Status(models.TextChoices):
        DRAFTING = "drafting", pgettext_lazy("status of a programme", "Drafting")
        UNDER_REVIEW = "under_review", pgettext_lazy("status of a programme", "Under review")
        APPROVED = "approved", pgettext_lazy("status of a programme", "Approved")
        ACCEPTED = "accepted", pgettext_lazy("status of a programme", "Accepted by the government")
        IN_IMPLEMENTATION = (
            "in_implementation",
            pgettext_lazy("status of a programme", "In implementation"),
        )
        SUSPENDED = "suspended", pgettext_lazy("status of a programme", "Suspended")
        COMPLETED = "completed", pgettext_lazy("status of a programme", "Completed")
        CLOSED = "closed", pgettext_lazy("status of a programme", "Closed")
        CANCELLED = "cancelled", pgettext_lazy("status of a programme", "Cancelled")

    class Modality(models.TextChoices):
        OHCHR = "ohchr", _("Implemented by OHCHR directly")
        JOINT_UNDP = "joint_undp", _("Jointly with UNDP")
        JOINT_AGENCY = "joint_agency", _("Jointly with another UN agency")
        PARTNER = "partner", _("Through an implementing partner")

    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=300)
    scope = models.CharField(
        _("scope"), max_length=16, choices=Scope.choices, default=Scope.NATIONAL
    )
    region = models.CharField(_("region"), max_length=32, choices=Region.choices, blank=True)
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), related_name="programmes"
    )
    assessment = models.ForeignKey(
        NeedsAssessment,
        verbose_name=_("assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("The needs assessment the programme answers (national programmes)."),
    )
    objective = models.TextField(_("objectives"), blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=32, choices=Status.choices, default=Status.DRAFTING, db_index=True
    )
    implementing_modality = models.CharField(
        _("implementing modality"), max_length=16, choices=Modality.choices, default=Modality.OHCHR
    )
    implementing_partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("implementing partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The agency or partner implementing with or for OHCHR."),
    )
    cooperation_framework_outcome = models.TextField(
        _("UN Cooperation Framework outcome"),
        blank=True,
        help_text=_("The outcome of the UN Sustainable Development Cooperation Framework served."),
    )
    board_components = models.ManyToManyField(
        BoardComponent, verbose_name=_("board components"), blank=True, related_name="+"
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="+", verbose_name=_("SDGs")
    )
    recommendations = models.ManyToManyField(
        Recommendation,
        verbose_name=_("recommendations"),
        blank=True,
        related_name="programmes",
        help_text=_("Recommendations of the human rights mechanisms the programme answers."),
    )
    gender_marker = models.PositiveSmallIntegerField(
        _("gender equality marker"), choices=MARKER_CHOICES, null=True, blank=True
    )
    gender_marker_justification = models.CharField(
        _("gender marker justification"), max_length=500, blank=True
    )
    human_rights_marker = models.PositiveSmallIntegerField(
        _("human rights marker"), choices=MARKER_CHOICES, null=True, blank=True
    )
    human_rights_marker_justification = models.CharField(
        _("human rights marker justification"), max_length=500, blank=True
    )
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewers"),
        blank=True,
        related_name="programmes_to_review",
        help_text=_("OHCHR staff named to comment while the programme is under review."),
    )
    # Empty only on programmes older than the field.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = history(m2m_fields=[countries, board_components, sdgs, recommendations, reviewers])

    class Meta:
        verbose_name_plural = _("programmes")
        ordering = ["-created_at"]
        verbose_name = _("programme")
        permissions = [
            ("draft_programme", _("Draft programmes and run their implementation")),
            ("approve_programme", _("Approve, suspend, close and cancel programmes")),
            ("accept_programme", _("Accept a programme on behalf of the government")),
            ("report_programme", _("Record progress: activities, indicator values, expenditure")),
            ("review_programme", _("Review programmes when named as a reviewer")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="programme_dates_in_order",
            ),
            models.CheckConstraint(
                condition=models.Q(gender_marker__isnull=True) | models.Q(gender_marker__lte=3),
                name="programme_gender_marker_0_to_3",
            ),
            models.CheckConstraint(
                condition=models.Q(human_rights_marker__isnull=True)
                | models.Q(human_rights_marker__lte=3),
                name="programme_hr_marker_0_to_3",
            ),
        ]
        indexes = [models.Index(fields=["created_at", "id"], name="programme_created_idx")]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.pk])


class ProgrammeUserObjectPermission(UserObjectPermissionBase):
    """Exception grants on one programme (a reviewer named from another portfolio)."""

    content_object = models.ForeignKey(Programme, on_delete=models.CASCADE)
    history = history()


class ProgrammeGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Programme, on_delete=models.CASCADE)
    history = history()


class ProgrammeAcceptance(models.Model):
    """One covered State's acceptance of an approved programme.

    Each State a regional programme covers accepts it for itself, through its
    own focal point; the programme is accepted once every State has.
    """

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="acceptances"
    )
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    accepted_at = models.DateTimeField(_("accepted at"), auto_now_add=True)
    history = history()

    class Meta:
        verbose_name = _("programme acceptance")
        verbose_name_plural = _("programme acceptances")
        ordering = ["accepted_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "country"], name="one_acceptance_per_state"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.reference}: {self.country}"


class ProgrammeReview(models.Model):
    """One named reviewer's comment on the programme under review, with a verdict.

    Every review is kept (a programme may go round more than once); reviews
    are OHCHR's internal working papers.
    """

    class Verdict(models.TextChoices):
        RECOMMEND = "recommend", _("Recommend approval")
        CHANGES = "changes", _("Changes needed before approval")
        OBJECT = "object", _("Object to the programme")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    verdict = models.CharField(_("verdict"), max_length=16, choices=Verdict.choices)
    comment = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = history()

    class Meta:
        verbose_name = _("programme review")
        verbose_name_plural = _("programme reviews")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.reviewer}: {self.get_verdict_display()}"


class Component(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("status of a component", "Planned")
        ONGOING = "ongoing", pgettext_lazy("status of a component", "Ongoing")
        COMPLETED = "completed", pgettext_lazy("status of a component", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("status of a component", "Cancelled")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="components"
    )
    thematic_area = models.ForeignKey(
        ThematicArea, verbose_name=_("thematic area"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    objective = models.TextField(_("objective"), blank=True)
    outputs = models.TextField(
        _("outputs"), blank=True, help_text=_("The outputs expected, one per line.")
    )
    # The assessment's finding the component answers, when drawn from one.
    finding = models.ForeignKey(
        Finding,
        verbose_name=_("finding"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="components",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    history = history()

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["programme", "id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.programme_id])


class Indicator(models.Model):
    """How a component's progress is measured: baseline, target, and actual values
    recorded over time (the latest is the actual)."""

    component = models.ForeignKey(
        Component, verbose_name=_("component"), on_delete=models.CASCADE, related_name="indicators"
    )
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(
        _("unit"), max_length=60, help_text=_("For example: officers trained, %, laws.")
    )
    baseline = models.DecimalField(_("baseline"), max_digits=16, decimal_places=2)
    target = models.DecimalField(_("target"), max_digits=16, decimal_places=2)
    means_of_verification = models.CharField(_("means of verification"), max_length=300, blank=True)
    history = history()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["component", "id"]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """One actual value of an indicator, as measured on a date, and who recorded it."""

    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="values"
    )
    date = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = history()

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        ordering = ["indicator", "date", "id"]
        indexes = [models.Index(fields=["indicator", "date"])]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.date})"


class Activity(TimeStampedModel):
    """Something done under a component: a mission, a course, a workshop…"""

    class Status(models.TextChoices):
        PLANNED = "planned", pgettext_lazy("status of an activity", "Planned")
        ONGOING = "ongoing", pgettext_lazy("status of an activity", "Ongoing")
        COMPLETED = "completed", pgettext_lazy("status of an activity", "Completed")
        CANCELLED = "cancelled", pgettext_lazy("status of an activity", "Cancelled")

    class Audience(models.TextChoices):
        PARLIAMENT = "parliament", _("Parliament")
        JUDICIARY = "judiciary", _("Judiciary")
        POLICE = "police", _("Police")
        MILITARY = "military", _("Military")
        PRISON = "prison", _("Prison officials")
        GOVERNMENT = "government", _("Government officials")
        NHRI = "nhri", _("National human rights institution")
        CIVIL_SOCIETY = "civil_society", _("Civil society")
        OTHER = "other", _("Other")

    component = models.ForeignKey(
        Component, verbose_name=_("component"), on_delete=models.CASCADE, related_name="activities"
    )
    form = models.ForeignKey(
        FormOfAssistance,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("form of assistance"),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(
        _("audience"),
        max_length=16,
        choices=Audience.choices,
        blank=True,
        help_text=_("Who a training course or workshop is for."),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    partner = models.ForeignKey(
        PartnerOrganisation,
        verbose_name=_("partner"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    participants_women = models.PositiveIntegerField(_("participants women"), default=0)
    participants_men = models.PositiveIntegerField(_("participants men"), default=0)
    participants_other = models.PositiveIntegerField(
        _("participants other"), default=0, help_text=_("Participants of another or no stated sex.")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PLANNED
    )
    history = history()

    class Meta:
        verbose_name = _("activity")
        ordering = ["start_date", "id"]
        verbose_name_plural = _("activities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="activity_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("programmes:activity", args=[self.pk])

    @property
    def participants(self) -> int:
        return self.participants_women + self.participants_men + self.participants_other


class ActivityReport(models.Model):
    """Progress on an activity, as the field presence reports it."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="reports"
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
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.activity}: {self.date}"


class ExpertAssignment(models.Model):
    """A roster expert booked on an activity for a period.

    An expert is never booked on two overlapping periods: the service checks
    under a lock on the expert's row, so two people booking at once cannot
    both succeed.
    """

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="experts"
    )
    expert = models.ForeignKey(
        RosterExpert, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="assignments"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    role = models.CharField(_("role"), max_length=200, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = history()

    class Meta:
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="assignment_dates_in_order",
            )
        ]
        indexes = [models.Index(fields=["expert", "start_date", "end_date"])]

    def __str__(self) -> str:
        return f"{self.expert} on {self.activity}"


class ProgrammePartner(models.Model):
    """A partner organisation and its role on one programme."""

    class Role(models.TextChoices):
        IMPLEMENTING = "implementing", _("Implementing partner")
        JOINT = "joint", _("Joint implementation")
        FUNDING = "funding", _("Funding partner")
        TECHNICAL = "technical", _("Technical partner")
        BENEFICIARY = "beneficiary", _("Beneficiary institution")
        OTHER = "other", _("Other")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="partners"
    )
    partner = models.ForeignKey(
        PartnerOrganisation, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    history = history()

    class Meta:
        verbose_name = _("programme partner")
        verbose_name_plural = _("programme partners")
        ordering = ["partner__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "partner", "role"], name="partner_role_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_role_display()}"


class BudgetLine(models.Model):
    """Money planned for the programme, by component and funding source."""

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(_("description"), max_length=300)
    amount = models.DecimalField(_("amount"), **USD)
    history = history()

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["programme", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="budget_line_amount_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.description


class Expenditure(models.Model):
    """Money spent against a budget line.

    Spending past what is left on the line waits for a programme approver,
    who allows it (recorded, with the reason) or refuses it; only recorded
    expenditure counts as spent.
    """

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Overspending: awaiting an approver")
        RECORDED = "recorded", _("Recorded")
        REFUSED = "refused", _("Refused")

    budget_line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("budget line"),
        on_delete=models.PROTECT,
        related_name="expenditures",
    )
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount"), **USD)
    description = models.CharField(_("description"), max_length=300)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECORDED
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    history = history()

    class Meta:
        verbose_name = _("expenditure")
        ordering = ["date", "id"]
        verbose_name_plural = _("expenditure")
        permissions = [("allow_overspending", _("Allow spending past a budget line"))]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="expenditure_positive")
        ]
        indexes = [models.Index(fields=["budget_line", "status"])]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:budget", args=[self.budget_line.programme_id])


class Grant(models.Model):
    """A grant to civil society or to an institution; micro-grants to civil society
    (the ACT model) may not exceed the ceiling in ``TCP_MICRO_GRANT_CEILING_USD``."""

    class RecipientKind(models.TextChoices):
        CIVIL_SOCIETY = "civil_society", _("Civil society organisation (micro-grant)")
        NHRI = "nhri", _("National human rights institution")
        GOVERNMENT = "government", _("Government institution")
        REGIONAL = "regional", _("Regional organisation")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="grants"
    )
    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )
    recipient = models.CharField(_("recipient"), max_length=300)
    recipient_kind = models.CharField(
        _("recipient kind"), max_length=16, choices=RecipientKind.choices
    )
    amount = models.DecimalField(_("amount"), **USD)
    purpose = models.TextField(_("purpose"))
    report_due = models.DateField(_("report due"))
    # When the recipient's report arrived; until then it is due (and, after
    # ``report_due``, overdue: a reminder of the programmes stage).
    report_received_on = models.DateField(_("report received on"), null=True, blank=True)
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("awarded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = history()

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["report_due", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="grant_positive")
        ]

    def __str__(self) -> str:
        return f"{self.recipient}: {self.amount}"


class Amendment(TimeStampedModel):
    """A typed change to an approved programme, with its own approval.

    ``changes`` holds the proposal as a difference against the programme as
    it stood (see ``programmes.amendments``): applied on approval, it changes
    the programme's own rows, and their history shows before and after. An
    approved programme changes in no other way.
    """

    class Kind(models.TextChoices):
        NO_COST_EXTENSION = "no_cost_extension", _("No-cost extension")
        BUDGET_REVISION = "budget_revision", _("Budget revision")
        CHANGE_OF_SCOPE = "change_of_scope", _("Change of scope")
        CORRECTION = "correction", _("Correction")

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("status of an amendment", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("status of an amendment", "Submitted for approval")
        APPROVED = "approved", pgettext_lazy("status of an amendment", "Approved and applied")
        REJECTED = "rejected", pgettext_lazy("status of an amendment", "Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("status of an amendment", "Withdrawn")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.PROTECT, related_name="amendments"
    )
    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    justification = models.TextField(_("justification"))
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_note = models.TextField(_("decision note"), blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    history = history()

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["-created_at", "-id"]
        permissions = [("approve_amendment", _("Approve amendments to programmes"))]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("programmes:amendment", args=[self.pk])

"""Factories with consistent relations: a request's assessment is in the
request's country, a programme covers its assessment's country, and so on.

They write rows directly; tests of behaviour go through the services.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import factory
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile

from assessments.models import NeedsAssessment
from evaluations.models import Evaluation, FollowUpAction
from programmes.models import Component, Programme
from requests_app.models import (
    AssistanceRequest,
    RequestDocument,
    Screening,
    ScreeningScore,
)
from tcp.models import Country, FormOfAssistance, ScreeningCriterion, ThematicArea, User
from tcp.references import next_reference
from tests.files import PDF_BYTES

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.LazyFunction(lambda: make_password(PASSWORD))


def country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)


class AssistanceRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssistanceRequest
        skip_postgeneration_save = True

    country = factory.LazyFunction(lambda: country("KEN"))
    reference = factory.LazyAttribute(lambda o: next_reference("TCR", o.country.iso3))
    title = factory.Sequence(lambda n: f"Support to the national human rights institution {n}")
    requesting_authority = "Ministry of Justice"
    description = "Strengthen the national human rights institution."
    justification = "Recommendations of the Universal Periodic Review."
    created_by = factory.SubFactory(UserFactory)
    status = AssistanceRequest.Status.DRAFT
    decline_reason = factory.LazyAttribute(
        lambda o: "Outside the programme's mandate." if o.status == "declined" else ""
    )

    @factory.post_generation
    def complete(obj, create, extracted, **kwargs):
        """Give the request the thematic area, form and letter a submission needs."""
        if create and extracted is not False:
            obj.thematic_areas.set(ThematicArea.objects.all()[:1])
            obj.forms_of_assistance.set(FormOfAssistance.objects.all()[:1])
            RequestDocumentFactory(request=obj, kind=RequestDocument.Kind.OFFICIAL_LETTER)

    @factory.post_generation
    def screened(obj, create, extracted, **kwargs):
        """``screened=True``: every active criterion scored, so a decision may follow."""
        if create and extracted:
            screening = Screening.objects.create(request=obj, screened_by=obj.created_by)
            for criterion in ScreeningCriterion.objects.filter(is_active=True):
                ScreeningScore.objects.create(
                    screening=screening,
                    criterion=criterion,
                    weight=criterion.weight,
                    score=3,
                    comment="Meets the criterion in part.",
                )


class RequestDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RequestDocument

    request = factory.SubFactory(AssistanceRequestFactory)
    kind = RequestDocument.Kind.SUPPORTING
    # What a government attaches is always shared with OHCHR and back.
    visibility = "shared"
    file = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="letter.pdf"))
    original_name = "letter.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    sha256 = factory.Sequence(lambda n: f"{n:064x}")
    uploaded_by = factory.LazyAttribute(lambda o: o.request.created_by)


class NeedsAssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedsAssessment

    request = factory.SubFactory(AssistanceRequestFactory, status=AssistanceRequest.Status.ACCEPTED)
    country = factory.LazyAttribute(lambda o: o.request.country)
    title = factory.LazyAttribute(lambda o: o.request.title)
    reference = factory.LazyAttribute(lambda o: next_reference("TCA", o.country.iso3))
    mode = NeedsAssessment.Mode.MISSION
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=30))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    reference = factory.LazyAttribute(lambda o: next_reference("TCP", "TST"))
    title = factory.Sequence(lambda n: f"Human rights capacity programme {n}")
    objective = "National institutions apply international human rights standards."
    start_date = datetime.date(2026, 1, 1)
    end_date = datetime.date(2027, 12, 31)

    @factory.post_generation
    def countries(obj, create, extracted, **kwargs):
        if create:
            obj.countries.set(extracted or [country("KEN")])


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Component

    programme = factory.SubFactory(ProgrammeFactory)
    thematic_area = factory.LazyFunction(lambda: ThematicArea.objects.first())
    title = "Training of police officers"


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory, status=Programme.Status.IN_IMPLEMENTATION)
    reference = factory.LazyAttribute(lambda o: next_reference("TCE", "TST"))
    kind = Evaluation.Kind.PERIODIC
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=60))

    @factory.post_generation
    def shared_with(obj, create, extracted, **kwargs):
        """An accepted evaluation is shared with every covered State, as accepting does."""
        if not create:
            return
        if extracted is not None:
            obj.shared_with.set(extracted)
        elif obj.status == Evaluation.Status.ACCEPTED:
            obj.shared_with.set(obj.programme.countries.all())


class FollowUpActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpAction

    evaluation = factory.SubFactory(EvaluationFactory, kind=Evaluation.Kind.POST_IMPLEMENTATION)
    description = "Adopt the national action plan on human rights."
    owner = "Ministry of Justice"
    due_date = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=90))


# --- programme parts (components' indicators, activities, the roster) ---


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.Indicator"

    component = factory.SubFactory(ComponentFactory)
    name = factory.Sequence(lambda n: f"Police officers trained in human rights {n}")
    unit = "officers"
    baseline = Decimal("10.00")
    target = Decimal("50.00")
    means_of_verification = "Training attendance records"


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.Activity"

    component = factory.SubFactory(ComponentFactory)
    form = factory.LazyFunction(lambda: FormOfAssistance.objects.get(code="training-courses"))
    title = factory.Sequence(lambda n: f"Training course for police officers {n}")
    audience = "police"
    start_date = datetime.date(2026, 3, 2)
    end_date = datetime.date(2026, 3, 6)
    place = "Nairobi"


class RosterExpertFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "tcp.RosterExpert"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Expert {n:03d}")
    languages = "English, French"

    @factory.post_generation
    def expertise(obj, create, extracted, **kwargs):
        if create:
            obj.expertise.set(extracted or ThematicArea.objects.all()[:1])


# --- the programme's money (budget lines, expenditure) ---


def funding_source(code: str = "voluntary-fund") -> object:
    """A funding source of the reference data: regular-budget, voluntary-fund, extrabudgetary."""
    from tcp.models import FundingSource

    return FundingSource.objects.get(code=code)


class BudgetLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.BudgetLine"

    programme = factory.SubFactory(ProgrammeFactory)
    component = None
    funding_source = factory.LazyFunction(funding_source)
    description = factory.Sequence(lambda n: f"Budget line {n}")
    amount = Decimal("10000.00")


class ExpenditureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "programmes.Expenditure"

    budget_line = factory.SubFactory(BudgetLineFactory)
    date = datetime.date(2026, 3, 1)
    amount = Decimal("100.00")
    description = factory.Sequence(lambda n: f"Payment {n}")
    status = "recorded"
    recorded_by = factory.SubFactory(UserFactory)


# --- evaluations ---


class EvaluationRecommendationFactory(factory.django.DjangoModelFactory):
    """A recommendation of an evaluation; ``response=`` gives OHCHR's answer with it."""

    class Meta:
        model = "evaluations.EvaluationRecommendation"

    evaluation = factory.SubFactory(EvaluationFactory, status=Evaluation.Status.SUBMITTED)
    number = factory.Sequence(lambda n: n + 1)
    text = "Train the regional offices' complaints staff."
    response = ""
    response_reason = factory.LazyAttribute(
        lambda o: "" if o.response in ("", "agree") else "Resources allow part of it only."
    )
    created_by = factory.SubFactory(UserFactory)


class FollowUpProgressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "evaluations.FollowUpProgress"

    action = factory.SubFactory(FollowUpActionFactory)
    date = factory.LazyFunction(datetime.date.today)
    text = "Two of the eight regional offices trained."
    recorded_by = factory.SubFactory(UserFactory)


def rating_level(criterion_code: str, level_code: str) -> object:
    """A level of the scale the criterion is rated on (reference data)."""
    from evaluations.models import EvaluationCriterion

    criterion = EvaluationCriterion.objects.get(code=criterion_code)
    return criterion.scale.levels.get(code=level_code)

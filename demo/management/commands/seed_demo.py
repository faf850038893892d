"""A coherent demo data set: every stage of the cycle, a user for every role.

Everything is written through the product's services, acting as the demo
administrator, so the demo data carries history like real data. Running it
again changes nothing but resetting the demo users' passwords.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from assessments import services as assessments
from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from evaluations import follow_up
from evaluations import services as evaluations
from evaluations.models import Evaluation, EvaluationCriterion
from programmes import budget, implementation
from programmes import services as programmes
from programmes.models import Activity, Grant, Programme, ProgrammeReview
from requests_app import services as requests
from requests_app.models import AssistanceRequest, RequestDocument
from tcp import reminders, scoping
from tcp.documents import Visibility
from tcp.history import acting_as
from tcp.lifecycle import status_changes
from tcp.models import (
    BoardComponent,
    Country,
    FieldPresence,
    FormOfAssistance,
    FundingSource,
    PartnerOrganisation,
    RosterExpert,
    ScreeningCriterion,
    SustainableDevelopmentGoal,
    ThematicArea,
    User,
)
from tcp.roles import Role

DEFAULT_PASSWORD = "tcp-demo-2026"

# username, first, last, role, scope
USERS: list[tuple[str, str, str, Role, dict[str, Any]]] = [
    ("admin", "Ada", "Admin", Role.ADMINISTRATOR, {}),
    ("desk.africa", "Amina", "Diallo", Role.DESK_OFFICER, {"portfolio": ["KEN", "UGA"]}),
    ("desk.americas", "Lucía", "Ramos", Role.DESK_OFFICER, {"portfolio": ["PER", "KHM"]}),
    ("approver", "Pierre", "Martin", Role.PROGRAMME_APPROVER, {}),
    (
        "field.eastafrica",
        "Joseph",
        "Otieno",
        Role.FIELD_OFFICER,
        {"presence": "east-africa-regional-office"},
    ),
    (
        "field.southamerica",
        "Carla",
        "Quispe",
        Role.FIELD_OFFICER,
        {"presence": "south-america-regional-office"},
    ),
    ("gov.kenya", "Wanjiru", "Kamau", Role.FOCAL_POINT, {"country": "KEN"}),
    ("gov.peru", "Jorge", "Huamán", Role.FOCAL_POINT, {"country": "PER"}),
    ("gov.uganda", "Grace", "Namono", Role.FOCAL_POINT, {"country": "UGA"}),
    ("gov.cambodia", "Sokha", "Chan", Role.FOCAL_POINT, {"country": "KHM"}),
    ("auditor", "Ingrid", "Larsen", Role.AUDITOR, {}),
]

# A one-page PDF standing in for a ministry's official letter.
LETTER_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

MARKER_TITLE = "Strengthening the Kenya National Commission on Human Rights"


class Command(BaseCommand):
    help = "Create demo users for every role and a data set covering every stage of the cycle."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", default=DEFAULT_PASSWORD)

    def handle(self, *args: Any, password: str, **options: Any) -> None:
        with transaction.atomic():
            users = self._users(password)
            if AssistanceRequest.objects.filter(title=MARKER_TITLE).exists():
                self.stdout.write("Demo data already present; users and passwords refreshed.")
            else:
                with acting_as(users["admin"]):
                    self._cycle(users)
                self.stdout.write(self.style.SUCCESS("Demo data created."))
        self.stdout.write("")
        self.stdout.write(f"Demo users (password for all: {password}):")
        for username, first, last, role, _scope in USERS:
            self.stdout.write(f"  {username:<20} {role.value:<24} {first} {last}")

    def _users(self, password: str) -> dict[str, User]:
        """The demo users, each written as the demo administrator (its history
        names it). The administrator comes first; its own creation names
        itself, as the first account of a system has no one else to name."""
        users: dict[str, User] = {}
        admin = None
        for username, first, last, role, scope in USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@example.org",
                )
                if admin is None:
                    user._history_user = user
            user.set_password(password)
            user.is_staff = role == Role.ADMINISTRATOR
            admin = admin or user
            with acting_as(admin):
                user.save()
                user.groups.add(Group.objects.get(name=role.value))
                if "portfolio" in scope:
                    for iso3 in scope["portfolio"]:
                        scoping.set_desk_officer(country=_country(iso3), user=user, by=admin)
                if "presence" in scope:
                    presence = FieldPresence.objects.get(code=scope["presence"])
                    scoping.add_presence_officer(user=user, presence=presence, by=admin)
                if "country" in scope:
                    scoping.assign_focal_point(
                        user=user, country=_country(scope["country"]), by=admin
                    )
            users[username] = user
        return users

    def _cycle(self, u: dict[str, User]) -> None:
        today = datetime.date.today()
        themes = {t.code: t for t in ThematicArea.objects.all()}
        forms = {f.code: f for f in FormOfAssistance.objects.all()}
        nhri = [t for c, t in themes.items() if "institution" in c][:1] or list(themes.values())[:1]
        justice = [t for c, t in themes.items() if "justice" in c][:1] or list(themes.values())[1:2]
        advisory = [forms["advisory-services"], forms["training-courses"]]

        def request(
            gov: str, iso3: str, title: str, theme: list[ThematicArea]
        ) -> AssistanceRequest:
            req = requests.create_request(
                country=_country(iso3),
                by=u[gov],
                title=title,
                requesting_authority="Ministry of Justice and Constitutional Affairs",
                description=f"{title}: technical advice, training and documentation.",
                justification="Follows up recommendations of the Universal Periodic Review.",
                thematic_areas=theme,
                forms_of_assistance=advisory,
            )
            letter = SimpleUploadedFile(
                f"official-letter-{iso3.lower()}-{req.pk}.pdf",
                LETTER_PDF + f"% {req.reference}\n".encode(),
                content_type="application/pdf",
            )
            requests.attach_document(
                req=req,
                file=letter,
                by=u[gov],
                kind=RequestDocument.Kind.OFFICIAL_LETTER,
            )
            return req

        # Kenya: one request at each early stage.
        draft = request(
            "gov.kenya", "KEN", "Training of prison officials on the Nelson Mandela Rules", justice
        )
        _age(draft, days=3)
        submitted = request("gov.kenya", "KEN", MARKER_TITLE, nhri)
        requests.submit_request(req=submitted, by=u["gov.kenya"])
        # Submitted a while ago and not acknowledged yet: the desk officer is reminded.
        _backdate(submitted, days=reminders.threshold("ACKNOWLEDGE_DAYS") + 2)
        screening = request(
            "gov.kenya", "KEN", "Legislative review of the Public Order Act", justice
        )
        requests.submit_request(req=screening, by=u["gov.kenya"])
        # First submitted a fortnight ago; OHCHR asked a question, the government
        # answered and resubmitted: both dates show, the figures count from the first.
        _backdate(screening, days=14)
        requests.acknowledge_request(req=screening, by=u["desk.africa"])
        requests.request_information(
            req=screening,
            by=u["desk.africa"],
            question="Which provisions of the Act should the review cover first?",
        )
        requests.resubmit_request(
            req=screening,
            by=u["gov.kenya"],
            answer="Sections 5 to 12, on the notification of assemblies.",
        )
        requests.acknowledge_request(req=screening, by=u["desk.africa"])
        requests.start_assessment(req=screening, by=u["desk.africa"])
        _age(screening, days=9, stamps=("submitted_at",))
        # A question to the government of Kenya, asked six days ago.
        coroners = request("gov.kenya", "KEN", "Support to the National Coroners Service", justice)
        requests.submit_request(req=coroners, by=u["gov.kenya"])
        requests.acknowledge_request(req=coroners, by=u["desk.africa"])
        requests.request_information(
            req=coroners,
            by=u["desk.africa"],
            question="Is the Coroners Service already operating in every county?",
        )
        _age(coroners, days=6, stamps=("submitted_at",))

        # Peru: a question pending with the government, and a declined request.
        asked = request("gov.peru", "PER", "National human rights action plan 2027-2031", nhri)
        requests.submit_request(req=asked, by=u["gov.peru"])
        requests.acknowledge_request(req=asked, by=u["desk.americas"])
        requests.request_information(
            req=asked,
            by=u["desk.americas"],
            question="Which ministries will take part in drafting the plan?",
        )
        # Asked a while ago and not answered: the government is reminded.
        _backdate(asked, days=reminders.threshold("ANSWER_DAYS") + 1)
        declined = request("gov.peru", "PER", "Purchase of vehicles for the ombudsman", nhri)
        requests.submit_request(req=declined, by=u["gov.peru"])
        requests.acknowledge_request(req=declined, by=u["desk.americas"])
        requests.start_assessment(req=declined, by=u["desk.americas"])
        _screen(declined, u["desk.americas"], score=1)
        requests.decline_request(
            req=declined,
            by=u["approver"],
            reason="Procurement of equipment falls outside technical cooperation.",
        )

        # Uganda: accepted, assessed by the field presence, findings shared.
        accepted = self._accepted(
            request("gov.uganda", "UGA", "Support to the Uganda Human Rights Commission", nhri),
            u,
            "desk.africa",
            "gov.uganda",
        )
        assessment = assessments.plan_assessment(
            request=accepted,
            mode=NeedsAssessment.Mode.FIELD_PRESENCE,
            field_presence=FieldPresence.objects.get(code="east-africa-regional-office"),
            due_date=today + datetime.timedelta(days=45),
            by=u["desk.africa"],
        )
        assessments.start_assessment(assessment=assessment, by=u["field.eastafrica"])
        assessments.update_assessment(
            assessment=assessment,
            by=u["field.eastafrica"],
            summary="The Commission needs support on complaints handling and regional outreach.",
        )
        _assessment_work(assessment, u["field.eastafrica"], nhri, shared=True)
        report = assessments.attach_assessment_document(
            assessment=assessment,
            file=SimpleUploadedFile(
                "uganda-assessment-report.pdf", LETTER_PDF + b"% report\n", "application/pdf"
            ),
            by=u["field.eastafrica"],
            kind=AssessmentDocument.Kind.REPORT,
        )
        assessments.set_document_visibility(
            document=report, visibility=Visibility.SHARED, by=u["desk.africa"]
        )
        assessments.submit_findings(assessment=assessment, by=u["field.eastafrica"])
        assessments.validate_findings(assessment=assessment, by=u["desk.africa"])
        assessments.share_with_government(assessment=assessment, by=u["desk.africa"])
        # Drawn from the assessment: each finding became a component; under review.
        uganda = programmes.draft_from_assessment(
            assessment=assessment,
            findings=list(assessment.findings.all()),
            by=u["desk.africa"],
            title="Uganda: strengthening the national human rights institution",
            objective="The Commission handles complaints promptly and reaches the regions.",
            start_date=today + datetime.timedelta(days=60),
            end_date=today + datetime.timedelta(days=60 + 730),
        )
        programmes.transition_programme(
            programme=uganda, action="submit_for_review", by=u["desk.africa"]
        )
        programmes.set_reviewers(
            programme=uganda, reviewers=[u["desk.americas"], u["approver"]], by=u["desk.africa"]
        )
        programmes.record_review(
            programme=uganda,
            by=u["desk.americas"],
            verdict=ProgrammeReview.Verdict.CHANGES,
            comment="Add an indicator on complaints resolved within the statutory time.",
        )
        _age(uganda, days=8)

        # Uganda: accepted four days ago; the desk officer has its assessment to plan.
        to_plan = self._accepted(
            request("gov.uganda", "UGA", "Training of prison staff on the use of force", justice),
            u,
            "desk.africa",
            "gov.uganda",
        )
        _age(to_plan, days=4, stamps=("submitted_at", "decided_at"))

        # Kenya: a mission assessment in progress, and a programme in implementation.
        kenya_req = self._accepted(
            request(
                "gov.kenya", "KEN", "Human rights training for the National Police Service", justice
            ),
            u,
            "desk.africa",
            "gov.kenya",
        )
        mission = assessments.plan_assessment(
            request=kenya_req,
            mode=NeedsAssessment.Mode.MISSION,
            due_date=today - datetime.timedelta(days=5),
            mission_start=today - datetime.timedelta(days=20),
            mission_end=today - datetime.timedelta(days=10),
            terms_of_reference="Assess training needs of the police academy curriculum.",
            team_staff=[u["desk.africa"], u["field.eastafrica"]],
            team_experts=[
                RosterExpert.objects.get_or_create(
                    name="Dr. Achieng Odhiambo",
                    defaults={"email": "a.odhiambo@example.org", "languages": "English, Swahili"},
                )[0]
            ],
            by=u["desk.africa"],
        )
        assessments.start_assessment(assessment=mission, by=u["field.eastafrica"])
        _assessment_work(mission, u["field.eastafrica"], justice, shared=False)
        _age(mission, days=18)
        justice_assessment = self._shared_assessment(u, request, justice)
        kenya = self._running_programme(u, justice, nhri, justice_assessment)
        # Approval scheduled its evaluations; the first periodic one is under way.
        periodic = kenya.evaluations.filter(kind=Evaluation.Kind.PERIODIC).order_by("due_date")[0]
        evaluations.update_plan(
            evaluation=periodic,
            by=u["desk.africa"],
            evaluator_kind=Evaluation.EvaluatorKind.STAFF,
            evaluator_user=u["field.eastafrica"],
        )
        evaluations.transition_evaluation(
            evaluation=periodic, action="start", by=u["field.eastafrica"]
        )
        _age(periodic, days=12)
        self._reviewed_training(u, kenya)

        # Cambodia: approved, awaiting the government's acceptance.
        cambodia = self._programme(
            u, "KHM", "Cambodia: treaty reporting and follow-up", None, nhri, desk="desk.americas"
        )
        programmes.transition_programme(
            programme=cambodia, action="submit_for_review", by=u["desk.americas"]
        )
        programmes.transition_programme(programme=cambodia, action="approve", by=u["approver"])
        _age(cambodia, days=16)

        # Peru: a programme that ran and ended, its post-implementation evaluation
        # accepted, with ratings, management responses and a follow-up plan.
        self._evaluated_programme(u, nhri)

        # A regional project covering two States: approved, Kenya has accepted, Uganda not yet.
        regional = programmes.create_programme(
            title="East Africa: regional network of national human rights institutions",
            countries=[_country("KEN"), _country("UGA")],
            scope=Programme.Scope.REGIONAL,
            region="africa",
            objective="National institutions of the region share practice on complaints handling.",
            start_date=today + datetime.timedelta(days=30),
            end_date=today + datetime.timedelta(days=30 + 540),
            by=u["desk.africa"],
        )
        network = programmes.add_component(
            programme=regional,
            thematic_area=nhri[0],
            title="Peer exchanges between the national institutions",
            objective="Complaints units of the region apply common standards.",
            outputs="Two regional workshops\nA shared case-handling manual",
            by=u["desk.africa"],
        )
        programmes.add_indicator(
            component=network,
            by=u["desk.africa"],
            name="Institutions applying the shared manual",
            unit="institutions",
            baseline=Decimal("0"),
            target=Decimal("2"),
        )
        budget.add_budget_line(
            programme=regional,
            by=u["desk.africa"],
            component=network,
            funding_source=FundingSource.objects.get(code="voluntary-fund"),
            description="Regional workshops",
            amount=Decimal("48000.00"),
        )
        programmes.transition_programme(
            programme=regional, action="submit_for_review", by=u["desk.africa"]
        )
        programmes.transition_programme(programme=regional, action="approve", by=u["approver"])
        programmes.accept_programme(programme=regional, by=u["gov.kenya"])
        _age(regional, days=9)

        _spread_decisions()

    def _shared_assessment(
        self, u: dict[str, User], request: Any, justice: list[ThematicArea]
    ) -> NeedsAssessment:
        """Kenya: the request and the assessment, shared with the government, that the
        programme in implementation was drawn from, some nine months ago."""
        today = datetime.date.today()
        req = self._accepted(
            request("gov.kenya", "KEN", "Human rights in the administration of justice", justice),
            u,
            "desk.africa",
            "gov.kenya",
        )
        assessment = assessments.plan_assessment(
            request=req,
            mode=NeedsAssessment.Mode.FIELD_PRESENCE,
            field_presence=FieldPresence.objects.get(code="east-africa-regional-office"),
            due_date=today - datetime.timedelta(days=230),
            by=u["desk.africa"],
        )
        assessments.start_assessment(assessment=assessment, by=u["field.eastafrica"])
        assessments.update_assessment(
            assessment=assessment,
            by=u["field.eastafrica"],
            summary="Police and prison staff lack practical training on the use of force "
            "and on detention; the Commission rarely visits places of detention.",
        )
        _assessment_work(assessment, u["field.eastafrica"], justice, shared=True)
        assessments.submit_findings(assessment=assessment, by=u["field.eastafrica"])
        assessments.validate_findings(assessment=assessment, by=u["desk.africa"])
        assessments.share_with_government(assessment=assessment, by=u["desk.africa"])
        _age(req, days=260, stamps=("submitted_at", "decided_at"))
        _age(assessment, days=225)
        return assessment

    def _running_programme(
        self,
        u: dict[str, User],
        justice: list[ThematicArea],
        nhri: list[ThematicArea],
        assessment: NeedsAssessment,
    ) -> Programme:
        """Kenya: a national programme in implementation, every part of it filled in."""
        today = datetime.date.today()
        desk, field = u["desk.africa"], u["field.eastafrica"]
        start = today - datetime.timedelta(days=200)
        kenya = programmes.create_programme(
            title="Kenya: human rights in the administration of justice",
            countries=[_country("KEN")],
            assessment=assessment,
            objective=(
                "Police, prosecutors and prison officials apply international human rights "
                "standards; the national institution monitors places of detention."
            ),
            start_date=start,
            end_date=start + datetime.timedelta(days=730),
            implementing_modality=Programme.Modality.JOINT_UNDP,
            implementing_partner=PartnerOrganisation.objects.get(code="undp"),
            cooperation_framework_outcome=(
                "Outcome 1.2: people in Kenya have access to justice and accountable institutions."
            ),
            gender_marker=2,
            gender_marker_justification="Content and participation targets women officers.",
            human_rights_marker=3,
            human_rights_marker_justification="Human rights are the principal objective.",
            board_components=list(BoardComponent.objects.filter(number__in=[2, 4])),
            sdgs=list(SustainableDevelopmentGoal.objects.filter(number__in=[5, 16])),
            by=desk,
        )
        police = programmes.add_component(
            programme=kenya,
            thematic_area=justice[0],
            title="Human rights training for the police and prisons",
            objective="Officers apply the standards on the use of force and on detention.",
            outputs="A training curriculum adopted by the police academy\n300 officers trained",
            by=desk,
        )
        monitoring = programmes.add_component(
            programme=kenya,
            thematic_area=nhri[0],
            title="Monitoring of places of detention",
            objective="The national institution visits places of detention regularly.",
            outputs="A visiting methodology\nQuarterly monitoring reports",
            by=desk,
        )
        trained = programmes.add_indicator(
            component=police,
            by=desk,
            name="Officers trained on the use of force",
            unit="officers",
            baseline=Decimal("0"),
            target=Decimal("300"),
            means_of_verification="Attendance lists of the police academy",
        )
        visits = programmes.add_indicator(
            component=monitoring,
            by=desk,
            name="Places of detention visited by the Commission",
            unit="visits per year",
            baseline=Decimal("4"),
            target=Decimal("24"),
        )
        # Never measured since the programme started: a reminder to record a value.
        programmes.add_indicator(
            component=monitoring,
            by=desk,
            name="Complaints of ill-treatment in custody answered within 30 days",
            unit="%",
            baseline=Decimal("35"),
            target=Decimal("80"),
        )
        partners = {p.code: p for p in PartnerOrganisation.objects.all()}
        implementation.add_partner(
            programme=kenya,
            partner=partners["undp"],
            role="joint",
            by=desk,
            description="Joint programme under the Cooperation Framework.",
        )
        knchr = implementation.new_partner_organisation(
            name="Kenya National Commission on Human Rights", kind="nhri", acronym="KNCHR", by=desk
        )
        implementation.add_partner(programme=kenya, partner=knchr, role="beneficiary", by=desk)
        regular = FundingSource.objects.get(code="regular-budget")
        voluntary = FundingSource.objects.get(code="voluntary-fund")
        training_line = budget.add_budget_line(
            programme=kenya,
            by=desk,
            component=police,
            funding_source=voluntary,
            description="Training courses and materials",
            amount=Decimal("85000.00"),
        )
        experts_line = budget.add_budget_line(
            programme=kenya,
            by=desk,
            component=police,
            funding_source=regular,
            description="Advisory missions of experts",
            amount=Decimal("40000.00"),
        )
        monitoring_line = budget.add_budget_line(
            programme=kenya,
            by=desk,
            component=monitoring,
            funding_source=voluntary,
            description="Monitoring visits",
            amount=Decimal("22500.50"),
        )
        programmes.transition_programme(programme=kenya, action="submit_for_review", by=desk)
        programmes.transition_programme(programme=kenya, action="approve", by=u["approver"])
        programmes.accept_programme(programme=kenya, by=u["gov.kenya"])
        programmes.transition_programme(programme=kenya, action="start_implementation", by=desk)
        forms = {f.code: f for f in FormOfAssistance.objects.all()}
        course = implementation.add_activity(
            component=police,
            by=desk,
            form=forms["training-courses"],
            title="Training of trainers on the use of force",
            audience=Activity.Audience.POLICE,
            place="Kiganjo police academy",
            start_date=start + datetime.timedelta(days=40),
            end_date=start + datetime.timedelta(days=44),
        )
        mission = implementation.add_activity(
            component=police,
            by=desk,
            form=forms["advisory-services"],
            title="Advisory mission on the prisons curriculum",
            place="Nairobi",
            start_date=today - datetime.timedelta(days=5),
            end_date=today + datetime.timedelta(days=9),
        )
        implementation.add_activity(
            component=monitoring,
            by=desk,
            form=forms["workshops-seminars"],
            title="Workshop on detention monitoring methodology",
            partner=knchr,
            place="Mombasa",
            start_date=today + datetime.timedelta(days=30),
            end_date=today + datetime.timedelta(days=31),
        )
        implementation.perform_activity(course, "start", by=field)
        implementation.report_progress(
            activity=course,
            by=field,
            date=course.end_date,
            text="Five days held with the academy's instructors; curriculum drafted.",
            participants={"participants_women": 11, "participants_men": 19},
        )
        implementation.perform_activity(course, "complete", by=field)
        implementation.perform_activity(mission, "start", by=field)
        expert, _created = RosterExpert.objects.get_or_create(
            name="Dr. Achieng Odhiambo",
            defaults={"email": "a.odhiambo@example.org", "languages": "English, Swahili"},
        )
        expert.expertise.add(justice[0])
        implementation.assign_expert(activity=mission, expert=expert, by=desk, role="Team leader")
        programmes.record_indicator_value(
            indicator=trained,
            by=field,
            date=course.end_date,
            value=Decimal("30"),
            source="Attendance lists of the training of trainers",
        )
        programmes.record_indicator_value(
            indicator=trained,
            by=field,
            date=today - datetime.timedelta(days=20),
            value=Decimal("112"),
            source="Police academy records",
        )
        programmes.record_indicator_value(
            indicator=visits,
            by=field,
            date=today - datetime.timedelta(days=30),
            value=Decimal("9"),
            source="Commission's quarterly report",
        )
        budget.record_expenditure(
            line=training_line,
            by=field,
            date=course.end_date,
            amount=Decimal("23450.75"),
            description="Venue, per diems and materials of the training of trainers",
        )
        budget.record_expenditure(
            line=experts_line,
            by=desk,
            date=today - datetime.timedelta(days=5),
            amount=Decimal("12800.00"),
            description="Travel of the advisory mission",
        )
        budget.record_expenditure(
            line=monitoring_line,
            by=field,
            date=today - datetime.timedelta(days=2),
            amount=Decimal("23000.00"),
            description="Vehicle hire for the monitoring visits",
        )  # more than the line holds: awaits the approver
        implementation.award_grant(
            programme=kenya,
            by=desk,
            component=monitoring,
            recipient="Mombasa human rights defenders network",
            recipient_kind=Grant.RecipientKind.CIVIL_SOCIETY,
            amount=Decimal("4800.00"),
            purpose="Community paralegals accompanying visits to police cells.",
            report_due=today + datetime.timedelta(days=90),
        )
        implementation.award_grant(
            programme=kenya,
            by=desk,
            component=monitoring,
            recipient="Kisumu legal aid clinic",
            recipient_kind=Grant.RecipientKind.CIVIL_SOCIETY,
            amount=Decimal("3500.00"),
            purpose="Legal aid to people held in police custody beyond the legal limit.",
            report_due=today - datetime.timedelta(days=12),
        )  # its report has not arrived: overdue
        return kenya

    def _evaluated_programme(self, u: dict[str, User], themes: list[ThematicArea]) -> Programme:
        """Peru: completed, evaluated after its end, the follow-up plan under way."""
        today = datetime.date.today()
        desk, field, gov = u["desk.americas"], u["field.southamerica"], u["gov.peru"]
        start = today - datetime.timedelta(days=820)
        peru = programmes.create_programme(
            title="Peru: support to the Ombudsman's Office on social conflicts",
            countries=[_country("PER")],
            objective="The Ombudsman's Office prevents and mediates social conflicts.",
            start_date=start,
            end_date=today - datetime.timedelta(days=100),
            by=desk,
        )
        mediation = programmes.add_component(
            programme=peru,
            thematic_area=themes[0],
            title="Mediation capacity of the Ombudsman's regional offices",
            objective="Regional offices mediate conflicts before they turn violent.",
            outputs="Twelve mediators trained\nA conflict early-warning protocol",
            by=desk,
        )
        mediated = programmes.add_indicator(
            component=mediation,
            by=desk,
            name="Conflicts mediated by the regional offices",
            unit="conflicts per year",
            baseline=Decimal("14"),
            target=Decimal("40"),
        )
        line = budget.add_budget_line(
            programme=peru,
            by=desk,
            component=mediation,
            funding_source=FundingSource.objects.get(code="voluntary-fund"),
            description="Mediation training and the protocol",
            amount=Decimal("60000.00"),
        )
        programmes.transition_programme(programme=peru, action="submit_for_review", by=desk)
        programmes.transition_programme(programme=peru, action="approve", by=u["approver"])
        programmes.accept_programme(programme=peru, by=gov)
        programmes.transition_programme(programme=peru, action="start_implementation", by=desk)
        programmes.record_indicator_value(
            indicator=mediated,
            by=field,
            date=today - datetime.timedelta(days=130),
            value=Decimal("33"),
            source="Ombudsman's annual report",
        )
        budget.record_expenditure(
            line=line,
            by=field,
            date=today - datetime.timedelta(days=150),
            amount=Decimal("57310.40"),
            description="Training cycles in six regions",
        )
        programmes.transition_programme(programme=peru, action="complete", by=desk)
        # Approval scheduled its evaluations. The mid-term reviews were folded into
        # the post-implementation evaluation, which is done now.
        for periodic in peru.evaluations.filter(
            kind=Evaluation.Kind.PERIODIC, status=Evaluation.Status.SCHEDULED
        ):
            evaluations.transition_evaluation(
                evaluation=periodic,
                action="cancel",
                by=desk,
                note="Folded into the post-implementation evaluation.",
            )
        post = peru.evaluations.get(kind=Evaluation.Kind.POST_IMPLEMENTATION)
        evaluations.update_plan(
            evaluation=post,
            by=desk,
            evaluator_kind=Evaluation.EvaluatorKind.STAFF,
            evaluator_user=field,
            terms_of_reference="Assess the effect of the mediation training two years on.",
        )
        evaluations.transition_evaluation(evaluation=post, action="start", by=field)
        evaluations.update_report(
            evaluation=post,
            by=field,
            methodology="Desk review, 24 interviews in four regions, the Ombudsman's case data.",
            findings="Mediation by trained staff rose from 14 to 33 conflicts a year.",
            conclusions="Relevant and effective; sustainability depends on the staff staying.",
            lessons_learned="Train pairs per office so that one departure does not undo it.",
            summary="The programme achieved most of its results; retention of mediators is "
            "the main risk to their lasting.",
        )
        ratings = []
        for criterion in EvaluationCriterion.objects.filter(is_active=True):
            levels = list(criterion.scale.levels.order_by("-value"))
            ratings.append(
                evaluations.Rating(criterion, levels[1], f"{criterion.name}: see the findings.")
            )
        evaluations.rate_evaluation(evaluation=post, by=field, ratings=ratings)
        keep = evaluations.add_recommendation(
            evaluation=post, by=field, text="Keep two trained mediators in every regional office."
        )
        protocol = evaluations.add_recommendation(
            evaluation=post, by=field, text="Adopt the early-warning protocol by resolution."
        )
        rotate = evaluations.add_recommendation(
            evaluation=post, by=field, text="Rotate mediators between regions every year."
        )
        evaluations.transition_evaluation(evaluation=post, action="submit", by=field)
        evaluations.respond_to_recommendation(recommendation=keep, by=desk, response="agree")
        evaluations.respond_to_recommendation(
            recommendation=protocol,
            by=desk,
            response="partially_agree",
            reason="A resolution is the Ombudsman's decision; OHCHR can advise on it.",
        )
        evaluations.respond_to_recommendation(
            recommendation=rotate,
            by=desk,
            response="disagree",
            reason="Rotation would break the trust built with local communities.",
        )
        peru_state = _country("PER")
        staffing = follow_up.add_follow_up_action(
            recommendation=keep,
            by=desk,
            description="Fund two mediator posts per office.",
            owner="Office of the Ombudsman",
            responsible_state=peru_state,
            due_date=today + datetime.timedelta(days=60),
        )
        new_request = follow_up.add_follow_up_action(
            recommendation=keep,
            by=desk,
            description="Request training for the mediators recruited since.",
            owner="Office of the Ombudsman",
            responsible_state=peru_state,
            due_date=today + datetime.timedelta(days=120),
        )
        follow_up.add_follow_up_action(
            recommendation=keep,
            by=desk,
            description="Publish the Ombudsman's first report on mediation in social conflicts.",
            owner="Office of the Ombudsman",
            responsible_state=peru_state,
            due_date=today + datetime.timedelta(days=5),
        )  # due soon: the government of Peru is reminded
        advice = follow_up.add_follow_up_action(
            recommendation=protocol,
            by=desk,
            description="Send the Ombudsman a model resolution on the protocol.",
            owner="OHCHR Americas Section",
            due_date=today - datetime.timedelta(days=10),
        )
        follow_up.add_follow_up_action(
            recommendation=protocol,
            by=desk,
            description="Share the protocol with the UN country team.",
            owner="Regional office",
            owner_user=field,
            due_date=today + datetime.timedelta(days=30),
        )
        evaluations.transition_evaluation(evaluation=post, action="accept", by=u["approver"])
        follow_up.record_progress(
            action=staffing,
            by=gov,
            date=today - datetime.timedelta(days=3),
            text="The budget law of next year funds 18 of the 24 posts.",
            evidence=SimpleUploadedFile(
                "budget-law-extract.pdf", LETTER_PDF + b"% budget law\n", "application/pdf"
            ),
        )
        follow_up.transition_follow_up(action=staffing, name="report_done", by=gov)
        follow_up.record_progress(
            action=advice,
            by=field,
            date=today - datetime.timedelta(days=12),
            text="Model resolution sent to the Ombudsman's chief of staff.",
        )
        follow_up.transition_follow_up(action=advice, name="report_done", by=field)
        follow_up.transition_follow_up(action=advice, name="verify_done", by=desk)
        follow_up.start_request(action=new_request, by=gov)
        # Accepted six weeks ago: the government's open actions have waited since.
        _age(post, days=42, stamps=("submitted_at",))
        for action in post.follow_up_actions.exclude(pk__in=[staffing.pk, advice.pk]):
            _age(action, days=45)
        return peru

    def _reviewed_training(self, u: dict[str, User], kenya: Programme) -> Evaluation:
        """Kenya: a review of the police training added by hand, accepted three weeks
        ago, whose follow-up actions wait on the government (one of them overdue)."""
        today = datetime.date.today()
        desk, field = u["desk.africa"], u["field.eastafrica"]
        review = evaluations.schedule_evaluation(
            programme=kenya,
            kind=Evaluation.Kind.PERIODIC,
            due_date=today - datetime.timedelta(days=30),
            by=desk,
            evaluator_kind=Evaluation.EvaluatorKind.STAFF,
            evaluator_user=field,
            terms_of_reference="Review the training of trainers before the courses multiply.",
        )
        evaluations.transition_evaluation(evaluation=review, action="start", by=field)
        evaluations.update_report(
            evaluation=review,
            by=field,
            methodology="Observation of two courses, interviews with 18 trainers.",
            findings="The trainers master the standards; the academy has no refresher plan.",
            summary="The training of trainers works; the academy should plan refresher "
            "courses and adopt the curriculum formally.",
        )
        adopt = evaluations.add_recommendation(
            evaluation=review, by=field, text="Adopt the curriculum by order of the academy."
        )
        evaluations.transition_evaluation(evaluation=review, action="submit", by=field)
        evaluations.respond_to_recommendation(recommendation=adopt, by=desk, response="agree")
        kenya_state = _country("KEN")
        order = follow_up.add_follow_up_action(
            recommendation=adopt,
            by=desk,
            description="Issue the academy's order adopting the curriculum.",
            owner="National Police Service",
            responsible_state=kenya_state,
            due_date=today - datetime.timedelta(days=4),
        )  # overdue: the government of Kenya is reminded
        plan = follow_up.add_follow_up_action(
            recommendation=adopt,
            by=desk,
            description="Plan yearly refresher courses for the trainers.",
            owner="National Police Service",
            responsible_state=kenya_state,
            due_date=today + datetime.timedelta(days=40),
        )
        evaluations.transition_evaluation(evaluation=review, action="accept", by=u["approver"])
        _age(review, days=21, stamps=("submitted_at",))
        for action in (order, plan):
            _age(action, days=24)
        return review

    def _accepted(
        self, req: AssistanceRequest, u: dict[str, User], desk: str, gov: str
    ) -> AssistanceRequest:
        requests.submit_request(req=req, by=u[gov])
        requests.acknowledge_request(req=req, by=u[desk])
        requests.start_assessment(req=req, by=u[desk])
        _screen(req, u[desk], score=4)
        requests.accept_request(req=req, by=u["approver"])
        return req

    def _programme(
        self,
        u: dict[str, User],
        iso3: str,
        title: str,
        assessment: NeedsAssessment | None,
        themes: list[ThematicArea],
        desk: str = "desk.africa",
    ) -> Programme:
        today = datetime.date.today()
        programme = programmes.create_programme(
            title=title,
            countries=[_country(iso3)],
            assessment=assessment,
            objective="National institutions apply international human rights standards.",
            start_date=today,
            end_date=today + datetime.timedelta(days=730),
            by=u[desk],
        )
        for theme in themes:
            programmes.add_component(
                programme=programme,
                thematic_area=theme,
                title=f"{theme.name}: advisory services and training",
                objective="Strengthened capacity of the national counterparts.",
                by=u[desk],
            )
        return programme


def _assessment_work(
    assessment: NeedsAssessment, by: User, themes: list[ThematicArea], *, shared: bool
) -> None:
    """Consultations with several kinds of party, and a finding per theme."""
    today = datetime.date.today()
    for days, party, organisation, women, men in (
        (30, Consultation.Party.MINISTRY, "Ministry of Justice", 3, 5),
        (28, Consultation.Party.NHRI, "National human rights institution", 6, 4),
        (27, Consultation.Party.NGO, "Network of human rights defenders", 9, 7),
        (25, Consultation.Party.UN_AGENCY, "UNDP country office", 2, 1),
        (21, Consultation.Party.JUDICIARY, "High Court registry", 2, 4),
    ):
        assessments.record_consultation(
            assessment=assessment,
            by=by,
            date=today - datetime.timedelta(days=days),
            place="Capital",
            party=party,
            organisation=organisation,
            participants_women=women,
            participants_men=men,
            summary=f"Meeting with the {organisation.lower()} on capacity and priorities.",
        )
    for theme in themes:
        assessments.record_finding(
            assessment=assessment,
            by=by,
            thematic_area=theme,
            need=f"{theme.name}: staff lack practical training on international standards.",
            priority=Finding.Priority.HIGH,
            existing_capacity="A small unit with two trained officers.",
            recommended_assistance=FormOfAssistance.objects.get(code="training-courses"),
            visibility=Visibility.SHARED if shared else Visibility.INTERNAL,
        )


def _screen(req: AssistanceRequest, by: User, *, score: int) -> None:
    requests.record_screening(
        req=req,
        by=by,
        scores={
            c.pk: (score, "Assessed from the request and the country's UPR record.")
            for c in ScreeningCriterion.objects.filter(is_active=True)
        },
        summary="Screened against the written criteria.",
    )


def _backdate(req: AssistanceRequest, *, days: int) -> None:
    """Move the request's latest step ``days`` back, as if it had waited that long.

    The one write here outside the services: the services stamp the time of
    the call, and the demo needs items already waiting for a reminder. Saved
    (as the demo administrator), so the history shows the move.
    """
    at = timezone.now() - datetime.timedelta(days=days)
    latest = status_changes(req).order_by("-at", "-id").first()
    if latest is not None:
        latest.at = at
        latest.save(update_fields=["at"])
    if latest is not None and latest.to_status == AssistanceRequest.Status.SUBMITTED:
        # A resubmission has its own stamp; the first submission keeps its own.
        stamp = "resubmitted_at" if latest.action == "resubmit" else "submitted_at"
        req.refresh_from_db()
        setattr(req, stamp, at)
        req.save(update_fields=[stamp])


def _age(record: Any, *, days: int, stamps: tuple[str, ...] = ()) -> None:
    """Move the whole story of ``record`` back so that its latest step happened
    ``days`` ago: its status changes (their order kept), its creation and the
    ``stamps`` of its steps (``submitted_at``…), so the dashboards show waits
    of a few days or weeks rather than of a few seconds.

    Like ``_backdate``, a write outside the services, for the demo only; saved
    as the demo administrator, so the history shows the move.
    """
    steps = list(status_changes(record))
    latest = max((step.at for step in steps), default=record.created_at)
    shift = timezone.now() - datetime.timedelta(days=days) - latest
    for step in steps:
        step.at += shift
        step.save(update_fields=["at"])
    record.refresh_from_db()
    fields = ["created_at", *(name for name in stamps if getattr(record, name) is not None)]
    for name in fields:
        setattr(record, name, getattr(record, name) + shift)
    record.save(update_fields=fields)


# Days a decided request waited between its submission and the decision, in turn.
_WAITED = (23, 41, 12, 67, 35, 88, 19, 52)


def _spread_decisions() -> None:
    """Give the decided requests the waits they would have had: each submission is
    moved back before its decision, so the figures' median time from submission
    to decision, and the requests' timelines, look like a portfolio's.

    Like ``_backdate``, a write outside the services, for the demo only.
    """
    decided = AssistanceRequest.objects.filter(decided_at__isnull=False, submitted_at__isnull=False)
    for waited, req in zip(_WAITED * 10, decided.order_by("pk"), strict=False):
        at = req.decided_at - datetime.timedelta(days=waited)
        req.submitted_at = at
        req.save(update_fields=["submitted_at"])
        for step in status_changes(req).filter(action="submit"):
            step.at = at
            step.save(update_fields=["at"])


def _country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)

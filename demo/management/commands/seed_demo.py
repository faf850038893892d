"""A coherent demo data set: every stage of the cycle, a user for every role.

Everything is written through the product's services, acting as the demo
administrator, so the demo data carries history like real data. Running it
again changes nothing but resetting the demo users' passwords.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments import services as assessments
from assessments.models import AssessmentDocument, Consultation, Finding, NeedsAssessment
from evaluations import services as evaluations
from evaluations.models import Evaluation
from programmes import services as programmes
from programmes.models import Programme
from requests_app import services as requests
from requests_app.models import AssistanceRequest, RequestDocument
from tcp import scoping
from tcp.documents import Visibility
from tcp.history import acting_as
from tcp.models import (
    Country,
    FieldPresence,
    FormOfAssistance,
    RosterExpert,
    ScreeningCriterion,
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
        users: dict[str, User] = {}
        admin = None
        for username, first, last, role, scope in USERS:
            user, _ = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.org",
                },
            )
            user.set_password(password)
            user.is_staff = role == Role.ADMINISTRATOR
            user.save()
            user.groups.add(Group.objects.get(name=role.value))
            admin = admin or user
            users[username] = user
            with acting_as(admin):
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
        request(
            "gov.kenya", "KEN", "Training of prison officials on the Nelson Mandela Rules", justice
        )
        submitted = request("gov.kenya", "KEN", MARKER_TITLE, nhri)
        requests.submit_request(req=submitted, by=u["gov.kenya"])
        screening = request(
            "gov.kenya", "KEN", "Legislative review of the Public Order Act", justice
        )
        requests.submit_request(req=screening, by=u["gov.kenya"])
        requests.acknowledge_request(req=screening, by=u["desk.africa"])
        requests.start_assessment(req=screening, by=u["desk.africa"])

        # Peru: a question pending with the government, and a declined request.
        asked = request("gov.peru", "PER", "National human rights action plan 2027-2031", nhri)
        requests.submit_request(req=asked, by=u["gov.peru"])
        requests.acknowledge_request(req=asked, by=u["desk.americas"])
        requests.request_information(
            req=asked,
            by=u["desk.americas"],
            question="Which ministries will take part in drafting the plan?",
        )
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
        uganda = self._programme(
            u,
            "UGA",
            "Uganda: strengthening the national human rights institution",
            assessment,
            nhri,
        )
        programmes.transition_programme(
            programme=uganda, action="submit_for_review", by=u["desk.africa"]
        )

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
        kenya = self._programme(
            u, "KEN", "Kenya: human rights in the administration of justice", None, justice
        )
        programmes.transition_programme(
            programme=kenya, action="submit_for_review", by=u["desk.africa"]
        )
        programmes.transition_programme(programme=kenya, action="approve", by=u["approver"])
        programmes.accept_programme(programme=kenya, by=u["gov.kenya"])
        programmes.transition_programme(
            programme=kenya, action="start_implementation", by=u["desk.africa"]
        )
        periodic = evaluations.schedule_evaluation(
            programme=kenya,
            kind=Evaluation.Kind.PERIODIC,
            due_date=today + datetime.timedelta(days=20),
            by=u["desk.africa"],
        )
        evaluations.transition_evaluation(
            evaluation=periodic, action="start", by=u["field.eastafrica"]
        )
        post = evaluations.schedule_evaluation(
            programme=kenya,
            kind=Evaluation.Kind.POST_IMPLEMENTATION,
            due_date=today + datetime.timedelta(days=200),
            by=u["desk.africa"],
        )
        evaluations.add_follow_up_action(
            evaluation=post,
            by=u["desk.africa"],
            description="Adopt the revised police training curriculum.",
            owner="Ministry of Interior",
            responsible_state=_country("KEN"),
            due_date=today + datetime.timedelta(days=240),
        )

        # Cambodia: approved, awaiting the government's acceptance.
        cambodia = self._programme(
            u, "KHM", "Cambodia: treaty reporting and follow-up", None, nhri, desk="desk.americas"
        )
        programmes.transition_programme(
            programme=cambodia, action="submit_for_review", by=u["desk.americas"]
        )
        programmes.transition_programme(programme=cambodia, action="approve", by=u["approver"])

        # A regional project in drafting, covering two countries of one portfolio.
        programmes.create_programme(
            title="East Africa: regional network of national human rights institutions",
            countries=[_country("KEN"), _country("UGA")],
            scope=Programme.Scope.REGIONAL,
            region="africa",
            objective="National institutions of the region share practice on complaints handling.",
            by=u["desk.africa"],
        )

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


def _country(iso3: str) -> Country:
    return Country.objects.get(iso3=iso3)

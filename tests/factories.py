"""factory_boy factories for the civic core. Apps add theirs in this file, one section each."""

import datetime
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from portal.models import AgendaItem, Meeting, Membership, Organization, Person, User
from prevention.models import District, Funding, Measure, PreventionCouncil
from prevention.models import District as _District
from prevention.models import Indicator as _Indicator
from prevention.models import IndicatorValue as _IndicatorValue
from prevention.models import Population as _Population
from requests_app.models import AlertSubscription as _AlertSubscription
from requests_app.models import Answer, AnswerReport, Exhibit, Motion, Question

PASSWORD = "test-passwort"


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    short_name = factory.Sequence(lambda n: f"Org{n}")
    kind = Organization.Kind.FACTION


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Sequence(lambda n: f"Vorname{n}")
    family_name = factory.Sequence(lambda n: f"Nachname{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    organization = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.COUNCIL)
    name = factory.Sequence(lambda n: f"Sitzung {n}")
    start = factory.Faker("date_time", tzinfo=factory.Faker("pytimezone"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()

    @factory.post_generation
    def organizations(self, create, extracted, **kwargs):
        if create and extracted:
            self.organizations.add(*extracted)


# --- prevention: council ---


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    # Numbers the 39 real districts (loaded by a data migration) do not use.
    number = factory.Iterator([f"{n:02d}" for n in (*range(3, 10), *range(27, 40), *range(48, 60))])
    name = factory.Sequence(lambda n: f"Stadtteil {n}")
    slug = factory.Sequence(lambda n: f"stadtteil-{n}")


class PreventionCouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PreventionCouncil

    organization = factory.SubFactory(
        OrganizationFactory,
        name="Kommunaler Präventionsrat Chemnitz",
        short_name="KPR",
        kind=Organization.Kind.PREVENTION_COUNCIL,
    )
    former_name = "Kriminalpräventiver Rat Chemnitz"
    founded_on = datetime.date(1998, 2, 4)
    reconstituted_on = datetime.date(2019, 8, 22)
    chair_title = "Bürgermeister für Recht, Sicherheit und Umweltschutz"
    office_building = "Weißes Haus"


class CouncilMeetingFactory(MeetingFactory):
    """A public KPR meeting at a fixed, timezone-aware time."""

    organization = factory.LazyFunction(
        lambda: Organization.objects.get_or_create(
            kind=Organization.Kind.PREVENTION_COUNCIL,
            name="Kommunaler Präventionsrat Chemnitz",
            defaults={"short_name": "KPR"},
        )[0]
    )
    start = factory.Sequence(
        lambda n: (
            datetime.datetime(2020, 1, 15, 16, 0, tzinfo=datetime.UTC)
            + datetime.timedelta(days=7 * n)
        )
    )
    public = True


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(CouncilMeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    number = factory.LazyAttribute(lambda item: str(item.order))
    title = factory.Sequence(lambda n: f"Tagesordnungspunkt {n}")


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measure

    title = factory.Sequence(lambda n: f"Maßnahme {n}")
    status = Measure.Status.RUNNING
    start_date = datetime.date(2020, 1, 1)


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funding

    measure = factory.SubFactory(MeasureFactory)
    year = 2020
    requested = Decimal("9000.00")
    granted = Decimal("9000.00")
    own_share = Decimal("1000.00")


# --- requests_app ---


class MotionFactory(factory.django.DjangoModelFactory):
    """A draft by default; traits `submitted`, `registered` move it on (without events)."""

    class Meta:
        model = Motion
        skip_postgeneration_save = True

    kind = Motion.Kind.RA
    title = factory.Sequence(lambda n: f"Anfrage {n}")
    text = "Der Stadtrat möge beschließen …"
    faction = factory.SubFactory(OrganizationFactory, kind=Organization.Kind.FACTION)
    status = Motion.Status.DRAFT

    class Params:
        submitted = factory.Trait(
            status=Motion.Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
        )
        registered = factory.Trait(
            status=Motion.Status.REGISTERED,
            submitted_at=factory.LazyFunction(timezone.now),
            registered_at=factory.LazyFunction(timezone.now),
            year=2026,
            number=factory.Sequence(lambda n: n + 500),
            reference=factory.LazyAttribute(lambda m: f"{m.kind}-{m.number:03d}/{m.year}"),
            lead_department=factory.SubFactory(
                OrganizationFactory, kind=Organization.Kind.DEPARTMENT
            ),
            due_date=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=20)),
        )

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        """questions=["…", "…"]; by default one question."""
        if create:
            texts = extracted if extracted is not None else ["Wie ist der Stand?"]
            for number, text in enumerate(texts, start=1):
                Question.objects.create(motion=self, number=number, text=text)


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    motion = factory.SubFactory(MotionFactory, questions=[])
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Frage {n}?")


# --- prevention: districts and indicators ---
# The 39 districts and the indicator catalogue come from migration 0002; these make more
# (DistrictFactory is in the council section above).


class PopulationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _Population
        django_get_or_create = ["district", "year"]

    district = factory.SubFactory(DistrictFactory)
    year = 2023
    inhabitants = 10_000


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _Indicator

    key = factory.Sequence(lambda n: f"test.indicator_{n}")
    name = factory.Sequence(lambda n: f"Testkennzahl {n}")
    kind = _Indicator.Kind.COUNT
    source = _Indicator.Source.PKS
    unit = "Fälle"
    per_100k = True


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = _IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    district = factory.LazyFunction(lambda: _District.objects.order_by("number").first())
    year = 2023
    value = Decimal(100)


# --- requests_app: e-mail alerts ---


class AlertSubscriptionFactory(factory.django.DjangoModelFactory):
    """A confirmed subscription to every new report; `confirmed_at=None` for an unconfirmed one."""

    class Meta:
        model = _AlertSubscription

    email = factory.Sequence(lambda n: f"buerger{n}@example.invalid")
    motion = None  # every new report
    confirmed_at = factory.LazyFunction(timezone.now)


def answered_motion(*, department, registered: datetime.date, answered: datetime.date, due=None):
    """A published, answered motion registered and answered on the given days (statistics)."""
    return MotionFactory(
        registered=True,
        status=Motion.Status.ANSWERED,
        lead_department=department,
        registered_at=datetime.datetime.combine(registered, datetime.time(10), tzinfo=datetime.UTC),
        answered_at=datetime.datetime.combine(answered, datetime.time(10), tzinfo=datetime.UTC),
        due_date=due,
    )


def discovery_report(*, motion=None, title=None, answer="Antwort.", status="published"):
    """An answer report for the discovery pages: published through AnswerReportFactory (as
    publication freezes it), or left in `status` (draft, in_review, approved)."""
    fields = {"motion": motion} if motion is not None else {}
    if title:
        fields["title"] = title
    answers = [answer] * (motion.questions.count() if motion is not None else 1)
    if status == "published":
        return AnswerReportFactory(**fields, answers=answers, publish=True)
    return AnswerReportFactory(**fields, answers=answers, status=status)


# --- requests_app: reports ---


class AnswerReportFactory(factory.django.DjangoModelFactory):
    """A draft answer report of a registered motion, one answer per question.

    `answers=["…", …]` sets the texts (default "Antwort auf Frage N."); `publish=True` freezes
    it as publication does (no events, no mail) and marks the motion answered; `pdf=True` also
    renders its PDF through the task.
    """

    class Meta:
        model = AnswerReport
        skip_postgeneration_save = True

    motion = factory.SubFactory(MotionFactory, registered=True, questions=["Wie ist der Stand?"])
    edition = 1
    slug = factory.LazyAttribute(
        lambda r: (
            r.motion.public_slug
            if r.edition == 1
            else f"{r.motion.public_slug}-fassung-{r.edition}"
        )
    )
    title = factory.Sequence(lambda n: f"Antwort der Verwaltung {n}")

    @factory.post_generation
    def answers(self, create, extracted, **kwargs):
        if not create:
            return
        for index, question in enumerate(self.motion.questions.all()):
            text = f"Antwort auf Frage {question.number}."
            if extracted is not None:
                text = extracted[index] if index < len(extracted) else ""
            Answer.objects.create(report=self, question=question, text=text)

    @factory.post_generation
    def publish(self, create, extracted, **kwargs):
        if create and extracted:
            from requests_app.snapshots import freeze

            freeze(self)
            Motion.objects.filter(pk=self.motion_id).update(
                status=Motion.Status.ANSWERED, answered_at=timezone.now()
            )

    @factory.post_generation
    def pdf(self, create, extracted, **kwargs):
        if create and extracted:
            from requests_app.tasks import render_report_pdf

            render_report_pdf.call(self.pk)
            self.refresh_from_db()


class ExhibitFactory(factory.django.DjangoModelFactory):
    """An exhibit (default: the KPR meetings) under the first answer of a new draft report."""

    class Meta:
        model = Exhibit

    answer = factory.LazyFunction(lambda: AnswerReportFactory().answers.first())
    kind = Exhibit.Kind.MEETINGS
    caption = factory.Sequence(lambda n: f"Anlage {n}")

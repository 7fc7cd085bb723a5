"""Scale data for load tests (issue 9): many motions, reports, meetings and indicator values.

Deterministic: the same options and `--seed` give the same rows (except `modified`). Everything
is created with `bulk_create` in one transaction, in minutes for the default sizes. All names
carry "(Skalierungsdaten)" so nobody mistakes them for real content. A second run is refused
(the marker organisation exists); start from an empty database to seed again.

Reports are published directly (`published_html` filled, no rendering); they all share one
small PDF file, so PDF downloads work without WeasyPrint.
"""

import hashlib
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.html import escape

from portal.models import Body, Meeting, Organization
from prevention.models import District, Indicator, IndicatorValue
from requests_app.models import Answer, AnswerReport, Motion, Question

MARKER = "Stadtrat (Skalierungsdaten)"
SUFFIX = " (Skalierungsdaten)"
PDF_NAME = "berichte/skalierungsdaten-muster.pdf"
BATCH = 2000

TOPICS = [
    "Videoüberwachung",
    "Straßenbeleuchtung",
    "Jugendarbeit",
    "Drogenprävention",
    "Fahrraddiebstahl",
    "Wohnungseinbrüche",
    "Gewalt an Schulen",
    "Häusliche Gewalt",
    "Sauberkeit im öffentlichen Raum",
    "Stadtordnungsdienst",
    "Sicherheitsgefühl",
    "Waffenverbotszone",
    "Streetwork",
    "Graffiti",
    "Ruhestörungen",
    "Alkoholkonsum auf Plätzen",
]
QUESTION_PATTERNS = [
    "Wie viele Fälle zum Thema {topic} wurden {year} in {district} erfasst?",
    "Welche Maßnahmen plant die Verwaltung zum Thema {topic} in {district}?",
    "Welche Kosten sind {year} für {topic} entstanden?",
    "Wie bewertet der Kommunale Präventionsrat die Entwicklung ({topic}, {district})?",
    "Welche Träger sind zum Thema {topic} in {district} tätig?",
]

# A minimal valid one-page PDF, shared by all seeded reports.
_PDF_OBJECTS = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
    b"/Resources << /Font << /F1 5 0 R >> >> >>",
    None,  # content stream, below
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
]


def sample_pdf() -> bytes:
    stream = b"BT /F1 18 Tf 72 770 Td (Skalierungsdaten - kein amtliches Dokument) Tj ET"
    objects = list(_PDF_OBJECTS)
    objects[3] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class Command(BaseCommand):
    help = (
        "Legt deterministisch große Mengen Skalierungsdaten an (Lasttests): Anträge mit Fragen, "
        "veröffentlichte Berichte, Sitzungen, Kennzahlen. Ein zweiter Lauf wird abgelehnt."
    )

    def add_arguments(self, parser):
        parser.add_argument("--motions", type=int, default=20_000)
        parser.add_argument("--reports", type=int, default=5_000, help="published reports")
        parser.add_argument("--meetings", type=int, default=2_000)
        parser.add_argument("--years", type=int, default=20, help="years of indicator values")
        parser.add_argument("--indicators", type=int, default=8)
        parser.add_argument("--end-year", type=int, default=2025)
        parser.add_argument("--seed", type=int, default=9)
        parser.add_argument("--force", action="store_true", help="also with DEBUG off")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG ist aus: Das sieht nach einer Produktionsumgebung aus. Skalierungsdaten "
                "gehören in eine Testdatenbank. Wer das wirklich will: --force."
            )
        if options["reports"] > options["motions"]:
            raise CommandError("--reports darf nicht größer als --motions sein.")
        if min(options["motions"], options["reports"], options["meetings"]) < 0 or (
            options["years"] < 1 or options["indicators"] < 0
        ):
            raise CommandError("Die Mengen dürfen nicht negativ sein; --years mindestens 1.")
        if Organization.all_objects.filter(name=MARKER).exists():
            raise CommandError(
                "Skalierungsdaten sind schon angelegt. Für einen neuen Lauf eine leere "
                "Datenbank verwenden."
            )
        counts = Seeder(random.Random(options["seed"]), options).run()
        self.stdout.write(self.style.SUCCESS("Skalierungsdaten angelegt:"))
        for label, count in counts.items():
            self.stdout.write(f"  {label:<20} {count:>8}")


class Seeder:
    def __init__(self, rng: random.Random, options: dict):
        self.rng = rng
        self.options = options
        self.end_year = options["end_year"]
        self.first_year = self.end_year - options["years"] + 1
        self.districts = list(District.objects.order_by("number"))
        self.district_names = [d.name for d in self.districts] or ["Zentrum"]

    def moment(self, year: int) -> datetime:
        start = datetime(year, 1, 1, 8, tzinfo=UTC)
        return start + timedelta(days=self.rng.randrange(360), minutes=self.rng.randrange(600))

    @transaction.atomic
    def run(self) -> dict[str, int]:
        if not Body.objects.exists():  # OParl needs its body (the city)
            Body.objects.create(name=f"Stadt Chemnitz{SUFFIX}", ags="14511000")
        council = Organization.objects.create(name=MARKER, kind=Organization.Kind.COUNCIL)
        factions = Organization.objects.bulk_create(
            Organization(
                name=f"Fraktion {letter}{SUFFIX}",
                short_name=f"Fraktion {letter}",
                kind=Organization.Kind.FACTION,
                parent=council,
            )
            for letter in "ABCDEF"
        )
        departments = Organization.objects.bulk_create(
            Organization(
                name=f"Dezernat {number}{SUFFIX}",
                short_name=f"Dezernat {number}",
                kind=Organization.Kind.DEPARTMENT,
            )
            for number in range(1, 9)
        )
        meetings = self.meetings(council)
        motions, questions, reports, answers = self.motions_and_reports(factions, departments)
        values = self.indicators()
        return {
            "Organisationen": 1 + len(factions) + len(departments),
            "Sitzungen": meetings,
            "Anträge": motions,
            "Fragen": questions,
            "Berichte": reports,
            "Antworten": answers,
            "Kennzahlwerte": values,
        }

    def meetings(self, council) -> int:
        total = self.options["meetings"]
        years = self.options["years"]
        rows = []
        for index in range(total):
            year = self.first_year + index * years // max(total, 1)
            start = self.moment(year)
            rows.append(
                Meeting(
                    organization=council,
                    name=f"{index + 1}. Sitzung des Stadtrats{SUFFIX}",
                    start=start,
                    end=start + timedelta(hours=3),
                    state=Meeting.State.HELD if year < self.end_year else Meeting.State.PLANNED,
                    public=self.rng.random() > 0.1,
                    created=start - timedelta(days=21),
                )
            )
        Meeting.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

    def motions_and_reports(self, factions, departments):
        total, report_total = self.options["motions"], self.options["reports"]
        years = self.options["years"]
        with_report = set(self.rng.sample(range(total), report_total))
        others = [
            Motion.Status.DRAFT,
            Motion.Status.SUBMITTED,
            Motion.Status.REGISTERED,
            Motion.Status.REJECTED,
            Motion.Status.WITHDRAWN,
        ]
        counters: dict[tuple[str, int], int] = {}
        motions, questions_of = [], []
        for index in range(total):
            year = self.first_year + index * years // max(total, 1)
            kind = self.rng.choice(["RA", "RA", "IA", "BA"])
            status = (
                Motion.Status.ANSWERED
                if index in with_report
                else self.rng.choices(others, weights=[5, 10, 45, 20, 20])[0]
            )
            topic = self.rng.choice(TOPICS)
            district = self.rng.choice(self.district_names)
            submitted = self.moment(year)
            motion = Motion(
                kind=kind,
                title=f"{topic} in {district}{SUFFIX}"[:300],
                text=f"Der Stadtrat möge sich mit dem Thema {topic} in {district} befassen.",
                reasoning=f"Bürgerinnen und Bürger aus {district} haben mehrfach nachgefragt.",
                faction=self.rng.choice(factions),
                status=status,
                created=submitted - timedelta(days=2),
                confidential=status == Motion.Status.REGISTERED and self.rng.random() < 0.02,
            )
            if status != Motion.Status.DRAFT:
                motion.submitted_at = submitted
            if status not in (Motion.Status.DRAFT, Motion.Status.SUBMITTED):
                number = counters[kind, year] = counters.get((kind, year), 0) + 1
                motion.number, motion.year = number, year
                motion.reference = f"{kind}-{number:03d}/{year}"
                motion.registered_at = submitted + timedelta(days=1)
                motion.due_date = (submitted + timedelta(days=29)).date()
                motion.lead_department = self.rng.choice(departments)
            if status == Motion.Status.ANSWERED:
                motion.answered_at = submitted + timedelta(days=self.rng.randrange(10, 60))
            motions.append(motion)
            questions_of.append(
                [
                    self.rng.choice(QUESTION_PATTERNS).format(
                        topic=topic, district=district, year=year - 1
                    )
                    for _ in range(self.rng.randint(1, 5))
                ]
            )
        Motion.objects.bulk_create(motions, batch_size=BATCH)
        questions = [
            Question(motion=motion, number=number, text=text)
            for motion, texts in zip(motions, questions_of, strict=True)
            for number, text in enumerate(texts, start=1)
        ]
        Question.objects.bulk_create(questions, batch_size=BATCH)
        return len(motions), len(questions), *self.reports(motions, questions, with_report)

    def reports(self, motions, questions, with_report) -> tuple[int, int]:
        pdf = sample_pdf()
        if not default_storage.exists(PDF_NAME):
            default_storage.save(PDF_NAME, ContentFile(pdf))
        pdf_sha256, pdf_sha512 = hashlib.sha256(pdf).hexdigest(), hashlib.sha512(pdf).hexdigest()
        by_motion: dict[int, list[Question]] = {}
        for question in questions:
            by_motion.setdefault(question.motion_id, []).append(question)
        reports, answer_texts = [], []
        for index in sorted(with_report):
            motion = motions[index]
            texts = [
                (question, f"Zu Frage {question.number}: Die Verwaltung hat dazu {n} Vorgänge.")
                for question in by_motion[motion.pk]
                for n in [self.rng.randrange(1, 400)]
            ]
            html = "".join(
                f"<h2>Frage {q.number}</h2><p>{escape(q.text)}</p><p>{escape(text)}</p>"
                for q, text in texts
            )
            reports.append(
                AnswerReport(
                    motion=motion,
                    slug=motion.public_slug,
                    status=AnswerReport.Status.PUBLISHED,
                    title=f"Antwort der Verwaltung: {motion.title}"[:300],
                    summary=f"Die Verwaltung beantwortet {len(texts)} Fragen.",
                    created=motion.registered_at,
                    submitted_at=motion.answered_at - timedelta(days=3),
                    approved_at=motion.answered_at - timedelta(days=1),
                    published_at=motion.answered_at,
                    published_html=html,
                    content_sha256=hashlib.sha256(html.encode()).hexdigest(),
                    pdf_status=AnswerReport.PdfStatus.DONE,
                    pdf_file=PDF_NAME,
                    pdf_sha256=pdf_sha256,
                    pdf_sha512=pdf_sha512,
                    pdf_size=len(pdf),
                )
            )
            answer_texts.append(texts)
        AnswerReport.objects.bulk_create(reports, batch_size=BATCH)
        answers = [
            Answer(report=report, question=question, text=text)
            for report, texts in zip(reports, answer_texts, strict=True)
            for question, text in texts
        ]
        Answer.objects.bulk_create(answers, batch_size=BATCH)
        return len(reports), len(answers)

    def indicators(self) -> int:
        indicators = Indicator.objects.bulk_create(
            Indicator(
                key=f"skalierung.k{number:02d}",
                name=f"Kennzahl {number}{SUFFIX}",
                description="Beispieldaten – keine amtlichen Zahlen.",
                unit="Fälle",
                source=Indicator.Source.OTHER,
                source_note="Skalierungsdaten",
                position=900 + number,
            )
            for number in range(1, self.options["indicators"] + 1)
        )
        places = [None, *self.districts]
        rows = [
            IndicatorValue(
                indicator=indicator,
                district=district,
                year=year,
                quarter=0,
                value=Decimal(self.rng.randrange(0, 5000 if district is None else 300)),
                synthetic=True,
            )
            for indicator in indicators
            for district in places
            for year in range(self.first_year, self.end_year + 1)
        ]
        IndicatorValue.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows)

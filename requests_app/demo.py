"""Demo motions: the founding case BA-044/2020 and fictitious motions in every state.

Runs after portal.demo (INSTALLED_APPS order), so factions, departments and the `rat` account
exist. Only creates what is missing (get_or_create): a second run changes nothing. Every invented
motion says "Beispieldaten" in its text; submitters are the portal demo's fictitious persons.
"""

import datetime
from zoneinfo import ZoneInfo

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from portal.models import AgendaItem, Attachment, Meeting, Organization, Person, User
from portal.pdf import html_to_pdf
from portal.uploads import attachment_create
from prevention.models import District, Indicator
from requests_app import demo_contributions, demo_sessions
from requests_app.models import Answer, AnswerReport, Exhibit, Motion, MotionEvent, Question
from requests_app.services.reports import enqueue_pdf
from requests_app.snapshots import freeze
from requests_app.tasks import motion_documents_missing, render_motion_pdf

BERLIN = ZoneInfo("Europe/Berlin")
DEMO_NOTE = "*Beispieldaten – fiktiver Antrag für die Demonstration des Portals.*"

BA044_TITLE = "Ein Jahr Allianz Sichere Sächsische Kommunen (ASSKomm) – Bilanz für Chemnitz"
BA044_TEXT = """Der Stadtrat möge beschließen:

Der Oberbürgermeister wird beauftragt, dem Stadtrat bis zum 30. September 2020 eine Information
zu folgenden Fragen vorzulegen:"""
BA044_QUESTIONS = [
    "Welche Entwicklung hat die kommunale Prävention in Chemnitz seit dem Start der Allianz "
    "Sichere Sächsische Kommunen am 6. Februar 2019 und der Neukonstituierung des Kommunalen "
    "Präventionsrates im August 2019 genommen?",
    "Welche Unterstützung durch den Freistaat, namentlich durch den Landespräventionsrat, ist "
    "dabei zu verzeichnen?",
    "Welche ersten Ergebnisse zeigt die Umsetzung des sächsischen Konzepts für mehr Sicherheit in "
    "den Kommunen in Chemnitz?",
    "Welche Auswirkungen hat dies bereits auf das Kriminalitätslagebild und auf die Zusammenarbeit "
    "zwischen dem Polizeivollzugsdienst und dem Stadtordnungsdienst?",
    "Ob und welche Effekte haben sich für die Zurückdrängung von Kriminalität und sonstigen "
    "Rechtsverletzungen in den einzelnen Chemnitzer Stadtteilen ergeben oder angedeutet?",
    "Welche Auswirkungen haben die Verzahnung der Akteure und die Einbindung der Bürgerinnen und "
    "Bürger in ihren Stadtteilen auf das subjektive Sicherheitsgefühl der Chemnitzerinnen und "
    "Chemnitzer?",
]
# From the speech introducing the motion in the Stadtrat on 24.06.2020 (../shared/seed/).
BA044_REASONING = """Am 6. Februar 2019 fand in Chemnitz, im Stadion an der Gellertstraße, eine
große Sicherheitskonferenz statt, mit der die Allianz Sichere Sächsische Kommunen (ASSKomm)
gestartet wurde. Rund 250 Bürgermeister und weitere Verantwortliche aus Städten und Gemeinden
nahmen teil, dazu zahlreiche Vertreter der sächsischen Polizei und der kommunalen
Polizeibehörden.

Ausgangspunkt war eine Diskrepanz zwischen dem Sicherheitsgefühl der Menschen und der
tatsächlichen Kriminalitätslage: Obwohl die Kriminalitätszahlen in vielen Bereichen seit langem
zurückgehen, schlägt sich das nicht im Sicherheitsgefühl nieder. Als Lösungsweg soll in ganz
Sachsen eine funktionierende kommunale Kriminalprävention auf- und ausgebaut werden. Im
Mittelpunkt stehen Kriminalpräventive Räte, die gemeinsam mit der Polizei und den kommunalen
Ordnungsdiensten die Sicherheitslage regelmäßig analysieren und im engen Kontakt mit den
Bürgerinnen und Bürgern Schwachpunkte und Gefährdungslagen rechtzeitig erkennen.

Wir halten diesen Ansatz – ein wirksames Netzwerk von Akteuren statt immer neuer
Strafverschärfung, Wegsperren oder Abschreckung – für richtig. Er ist auch ein probater Weg zu
einem vertrauensbildenden Klima zwischen Polizei und Bevölkerung.

Der Freistaat hat zugesagt, 1,3 Millionen Euro in die Förderung der Präventionsarbeit zu
investieren. In Chemnitz hat sich der seit Anfang 1998 bestehende Kriminalpräventive Rat mit
Beschluss vom 22. August 2019 als Kommunaler Präventionsrat Chemnitz neu konstituiert.

Der Antrag bezweckt eine Information des Stadtrates darüber, welche Entwicklung die kommunale
Prävention seither in Chemnitz genommen hat, welche Unterstützung des Freistaates zu verzeichnen
ist, welche ersten Ergebnisse sich zeigen und welche Auswirkungen dies auf das
Kriminalitätslagebild, auf die Zusammenarbeit von Polizeivollzugsdienst und Stadtordnungsdienst,
auf die einzelnen Stadtteile und auf das subjektive Sicherheitsgefühl der Chemnitzerinnen und
Chemnitzer hat.

Wir sind einigermaßen erstaunt, dass es zu diesem Beschlussantrag keine Stellungnahme des
Fachdezernats Recht, Sicherheit und Umweltschutz gibt, obgleich der Kommunale Präventionsrat
unter der Leitung dieses Dezernats tagt. Vielleicht wird die erbetene Information dann umso
gehaltvoller und überzeugender."""


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=BERLIN)


def load(*, stdout) -> None:
    rat = User.objects.get(username="rat")
    office = User.objects.get(username="ratsbuero")
    law = Organization.objects.get(short_name="Dezernat 3", kind=Organization.Kind.DEPARTMENT)
    council = Organization.objects.get(short_name="Stadtrat", kind=Organization.Kind.COUNCIL)
    meeting, _created = Meeting.objects.get_or_create(
        organization=council,
        start=_at(datetime.date(2020, 6, 24), 15),
        defaults={"name": "Sitzung des Stadtrates", "state": Meeting.State.HELD, "public": True},
    )
    agenda_item, _created = AgendaItem.objects.get_or_create(
        meeting=meeting,
        title=f"BA-044/2020 {BA044_TITLE}",
        defaults={"result": "angenommen"},
    )
    submitted = _at(datetime.date(2020, 6, 3))
    _motion(
        title=BA044_TITLE,
        faction="DIE LINKE",
        kind=Motion.Kind.BA,
        text=BA044_TEXT,
        reasoning=BA044_REASONING,
        questions=BA044_QUESTIONS,
        submitters=[rat.person],
        status=Motion.Status.REGISTERED,
        reference=("BA", 44, 2020),
        lead_department=law,
        submitted_at=submitted,
        registered_at=submitted,
        due_date=datetime.date(2020, 9, 30),
        meeting=meeting,
        agenda_item=agenda_item,
        decision=Motion.Decision.ADOPTED,
        events=[
            (MotionEvent.Action.SUBMITTED, rat, submitted, ""),
            (MotionEvent.Action.REGISTERED, office, submitted, f"Federführung: {law.name}"),
            (
                MotionEvent.Action.TREATED,
                office,
                _at(datetime.date(2020, 6, 24), 18),
                f"{meeting} – angenommen",
            ),
        ],
    )
    _fictitious_motions(rat=rat, office=office, law=law)
    _reports()
    demo_sessions.load(stdout=stdout)
    demo_contributions.load(stdout=stdout)
    # The Drucksache PDF of every public demo motion (only those without one: idempotent).
    for motion_id in motion_documents_missing():
        transaction.on_commit(lambda pk=motion_id: render_motion_pdf.enqueue(pk))


def _fictitious_motions(*, rat: User, office: User, law: Organization) -> None:
    today = timezone.localdate()
    year = today.year
    social = Organization.objects.get(short_name="Dezernat 5", kind=Organization.Kind.DEPARTMENT)
    member = {
        short: Person.objects.filter(memberships__organization__short_name=short).first()
        for short in ("DIE LINKE", "CDU", "AfD", "SPD", "GRÜNE")
    }
    ago = [_at(today - datetime.timedelta(days=days)) for days in range(0, 60)]
    # fmt: off
    specs = [
        # (title, faction, kind, state, submitters, days since submission, due in days)
        ("Beleuchtung im Stadthallenpark", "DIE LINKE", "RA", "draft", [rat.person], None, None),
        ("Sicherheitsgefühl an Haltestellen des Nahverkehrs", "DIE LINKE", "IA", "submitted",
         [rat.person, member["DIE LINKE"]], 2, None),
        ("Videoüberwachung an der Zentralhaltestelle", "DIE LINKE", "RA", "returned",
         [rat.person], 8, None),
        ("Einsatzzeiten des Stadtordnungsdienstes am Wochenende", "SPD", "RA", "registered",
         [member["SPD"]], 40, -10),
        ("Präventionsangebote an Chemnitzer Oberschulen", "GRÜNE", "RA", "registered",
         [member["GRÜNE"]], 23, 5),
        ("Förderung von Nachbarschaftsprojekten durch den Präventionsrat", "CDU", "IA",
         "registered", [member["CDU"]], 8, 20),
        ("Personalstärke des Stadtordnungsdienstes", "DIE LINKE", "RA", "answered",
         [rat.person], 50, -22),
        ("Zuständigkeit für Verkehrskontrollen auf Bundesstraßen", "AfD", "RA", "rejected",
         [member["AfD"]], 15, None),
        ("Sicherheitspartnerschaft mit dem Einzelhandel", "SPD", "BA", "withdrawn",
         [member["SPD"]], 30, None),
        ("Schutz von Beschäftigten im Bürgerservice", "CDU", "RA", "confidential",
         [member["CDU"]], 12, 16),
    ]
    # fmt: on
    numbers = {"RA": 100, "IA": 100, "BA": 100}
    for title, faction, kind, state, submitters, days, due_in in specs:
        submitted = ago[days] if days is not None else None
        registered = state in ("registered", "answered", "confidential")
        if registered:
            numbers[kind] += 1
        status = Motion.Status.REGISTERED if state == "confidential" else Motion.Status(state)
        events = _events(
            state, rat=rat, office=office, submitted=submitted, answered=ago[5], law=law
        )
        _motion(
            title=title,
            faction=faction,
            kind=kind,
            text=f"Wir fragen die Verwaltung zum Thema „{title}“.\n\n{DEMO_NOTE}",
            reasoning="",
            questions=[
                f"Wie ist der aktuelle Stand beim Thema „{title}“?",
                "Welche Maßnahmen plant die Verwaltung in den nächsten zwölf Monaten?",
            ],
            submitters=[person for person in submitters if person],
            status=status,
            reference=(kind, numbers[kind], year) if registered else None,
            lead_department=(social if "Schulen" in title else law) if registered else None,
            submitted_at=None if state in ("draft", "returned") else submitted,
            registered_at=submitted if registered else None,
            due_date=today + datetime.timedelta(days=due_in) if due_in is not None else None,
            answered_at=ago[5] if state == "answered" else None,
            confidential=state == "confidential",
            events=events,
        )


def _events(state, *, rat, office, submitted, answered, law):
    Action = MotionEvent.Action
    if state == "draft":
        return [(Action.CREATED, rat, submitted or timezone.now(), "")]
    events = [(Action.SUBMITTED, rat, submitted, "")]
    if state == "returned":
        reason = "Bitte die zweite Frage genauer fassen. (Beispieldaten)"
        return [*events, (Action.RETURNED, office, submitted, reason)]
    if state == "rejected":
        reason = "Die Frage betrifft keine Angelegenheit der Stadt. (Beispieldaten)"
        return [*events, (Action.REJECTED, office, submitted, reason)]
    if state == "withdrawn":
        return [*events, (Action.WITHDRAWN, rat, submitted, "")]
    if state == "submitted":
        return events
    events.append((Action.REGISTERED, office, submitted, f"Federführung: {law.name}"))
    if state == "answered":
        events.append((Action.ANSWERED, None, answered, ""))
    return events


def _motion(*, title, faction, questions, submitters, events, reference=None, **fields) -> Motion:
    faction_org = Organization.objects.get(short_name=faction, kind=Organization.Kind.FACTION)
    fields.setdefault("created", fields.get("submitted_at") or timezone.now())
    if reference:
        kind, number, year = reference
        fields.update(number=number, year=year, reference=f"{kind}-{number:03d}/{year}")
    motion, created = Motion.objects.get_or_create(
        faction=faction_org, title=title, defaults=fields
    )
    if not created:
        return motion
    motion.submitters.add(*submitters)
    Question.objects.bulk_create(
        Question(motion=motion, number=n, text=text) for n, text in enumerate(questions, start=1)
    )
    previous = Motion.Status.DRAFT
    for action, user, when, comment in events:
        to_status = {
            MotionEvent.Action.CREATED: Motion.Status.DRAFT,
            MotionEvent.Action.TREATED: previous,
        }.get(action, action)
        MotionEvent.objects.record(
            motion=motion,
            user=user,
            created=when,
            action=action,
            from_status="" if action == MotionEvent.Action.CREATED else previous,
            to_status=to_status,
            comment=comment,
        )
        previous = to_status
    return motion


# --- answer reports ------------------------------------------------------------------------------
# The answer to BA-044/2020 as the KPR office might have written it: invented text, marked as
# Beispieldaten, with exhibits drawn from the demo indicators, KPR meetings and measures.

REPORT_NOTE = "*Beispieldaten – fiktive Antwort für die Demonstration des Portals.*"
BA044_SIGNATORY_FUNCTION = "Bürgermeister für Recht, Sicherheit und Umweltschutz"
BA044_SUMMARY = f"""Informationsvorlage des Dezernats Recht, Sicherheit und Umweltschutz zum
Beschlussantrag BA-044/2020: das erste Jahr der Allianz Sichere Sächsische Kommunen (ASSKomm) in
Chemnitz – der neu konstituierte Kommunale Präventionsrat, die Förderung durch den Freistaat, erste
Maßnahmen, die Entwicklung der registrierten Kriminalität, eine Wirkungsanalyse über alle 39
Stadtteile und die Bürgerumfrage zum Sicherheitsgefühl.

In der Sitzung des Stadtrates am 24.06.2020 wurde beanstandet, das zuständige Dezernat habe keine
Stellungnahme abgegeben. Diese Vorlage ist die Stellungnahme des Dezernats; sie beantwortet alle
sechs Fragen und wird vom Bürgermeister für Recht, Sicherheit und Umweltschutz gezeichnet.

{REPORT_NOTE}"""
# Every figure below comes from the demo data (prevention/demo.py) and is checked against it by
# tests/prevention/test_ba044_figures.py. The effect analysis of question 5 takes 01.01.2019 as
# its reference date: the figures exist per year only, and 2019 is the first ASSKomm year, so
# in September 2020 the years 2015-2018 can only be compared with 2019.
BA044_ANSWERS = [
    # 1: the KPR since 22.08.2019
    "Der Kriminalpräventive Rat hat sich am **22.08.2019** als Kommunaler Präventionsrat "
    "Chemnitz neu konstituiert. Den Vorsitz hat der Bürgermeister für Recht, Sicherheit und "
    "Umweltschutz; Mitglieder sind unter anderem die Polizeidirektion Chemnitz, die "
    "Staatsanwaltschaft, der Bürgermeister für Soziales und der Stadtordnungsdienst, der "
    "Landespräventionsrat Sachsen berät. Der Präventionsrat hat bis zur Erstellung dieser Vorlage "
    "viermal getagt (22.08.2019, 14.11.2019, 16.03.2020 und 14.09.2020, siehe Tabelle). Seine "
    "Arbeit bereiten **sieben Arbeitsgruppen** vor: Sicherheit im öffentlichen Raum, Kinder- und "
    "Jugendschutz, Suchtprävention, Häusliche Gewalt und Opferschutz, Demokratie und "
    "Extremismusprävention, Städtebauliche Kriminalprävention sowie Sicherheit im Alter.\n\n"
    "Seit der Neukonstituierung hat der Präventionsrat vier Maßnahmen begonnen: gemeinsame "
    "Präsenzstreifen von Polizei und Stadtordnungsdienst im Zentrum (seit 01.10.2019), ein "
    "Sicherheitsaudit öffentlicher Plätze im Zentrum und auf dem Sonnenberg (seit 01.11.2019), "
    "Präventionstage an Oberschulen auf dem Sonnenberg, in Hutholz und Markersdorf (seit "
    "01.02.2020) und ein Beratungsnetzwerk gegen häusliche Gewalt (seit 01.09.2020).",
    # 2: the Freistaat's programme and the Landespräventionsrat
    "Der Freistaat Sachsen stellt für ASSKomm rund **1,3 Millionen Euro** bereit (die Angaben "
    "unterscheiden sich darin, ob der Betrag je Jahr oder je Doppelhaushalt gilt). Grundlage ist "
    "die Förderrichtlinie Kommunale Prävention (RL KommPräv) vom 12.06.2018: Sie fördert bis zu "
    "90 % der Kosten, mindestens 10 % trägt die Kommune; Anträge werden vom 31.08. bis 15.10. für "
    "das Folgejahr gestellt, vorher ist die Beratung durch den Landespräventionsrat "
    "vorgeschrieben.\n\n"
    "Chemnitz wurden für 2019 und 2020 zusammen **108.000 €** bewilligt (2019: 18.000 €, 2020: "
    "90.000 €); der Eigenanteil der Stadt beträgt 12.000 €. Der Landespräventionsrat hat die "
    "Stadt vor jedem Antrag beraten, die Sicherheitsanalyse begleitet und arbeitet im "
    "Präventionsrat mit beratender Stimme mit. Die Tabelle zeigt jede geförderte Maßnahme mit "
    "Förderbetrag und Eigenanteil.",
    # 3: first results per measure
    "Erste Ergebnisse je Maßnahme:\n\n"
    "- **Gemeinsame Präsenzstreifen** (Zentrum, seit 01.10.2019): Der Stadtordnungsdienst hat im "
    "Zentrum 2019 597 Streifen dokumentiert, 2018 waren es 440.\n"
    "- **Sicherheitsaudit öffentlicher Plätze** (Zentrum und Sonnenberg, seit 01.11.2019): Die "
    "Straßenkriminalität im Zentrum ging von 1.226 Fällen (2018) auf 1.021 Fälle (2019) zurück, "
    "auf dem Sonnenberg stieg sie von 388 auf 452 Fälle. Das Audit begann erst im November 2019; "
    "diese Zahlen beschreiben die Ausgangslage, nicht seine Wirkung.\n"
    "- **Präventionstage an Oberschulen** (seit 01.02.2020) und **Beratungsnetzwerk gegen "
    "häusliche Gewalt** (seit 01.09.2020): Für sie liegen noch keine Jahreszahlen vor; erste "
    "Ergebnisse berichtet die Verwaltung mit den Zahlen für 2020.\n\n"
    "Die Abbildung zeigt die Straftaten je 100.000 Einwohner 2019 nach Stadtteilen.",
    # 4: the crime picture and the cooperation of police and Stadtordnungsdienst
    "Stadtweit registrierte die Polizei 2019 **19.391 Straftaten** (2018: 19.674), das sind "
    "7.606,6 Fälle je 100.000 Einwohner (2018: 7.710,8). Die Straßenkriminalität ging von 4.478 "
    "auf 4.268 Fälle zurück.\n\n"
    "Polizei und Stadtordnungsdienst stimmen ihre Streifen im Zentrum wöchentlich ab und gehen "
    "seit Oktober 2019 gemeinsam Streife. Der Stadtordnungsdienst dokumentierte stadtweit 2019 "
    "2.929 Streifen (2018: 2.171) und stellte 5.052 Ordnungswidrigkeiten fest (2018: 3.642). Mehr "
    "Kontrollen bringen mehr Verstöße ans Licht; der Anstieg der Ordnungswidrigkeiten ist deshalb "
    "kein Zeichen für mehr Unordnung. Die Abbildung zeigt die Streifen im Zentrum seit 2015.",
    # 5: the effect analysis over all 39 districts
    "Die Wirkungsanalyse (Abbildung) vergleicht für die Straftaten insgesamt in **allen 39 "
    "Stadtteilen** die Jahre 2015–2018 mit 2019. Stadtteile mit Maßnahmen sind 2019 das Zentrum "
    "und der Sonnenberg.\n\n"
    "- In den Stadtteilen mit Maßnahmen sank die Häufigkeit um 8 % (Verhältnis 0,92, "
    "95-%-Intervall 0,89 bis 0,95), in den übrigen Stadtteilen ebenfalls um 8 % (0,92; 0,90 bis "
    "0,94).\n"
    "- Das Verhältnis der beiden Veränderungen ist 1,00 (0,97 bis 1,03): Zwischen Stadtteilen mit "
    "und ohne Maßnahmen gibt es **keinen belastbaren Unterschied**. Vor 2019 entwickelten sich "
    "beide Gruppen gleich.\n"
    "- Nach der Korrektur für 39 Tests (Holm) zeigen nur zwei Stadtteile eine belastbare "
    "Veränderung: Schloßchemnitz (−12 %) und das Zentrum (−10 %). In den übrigen 37 Stadtteilen "
    "gibt es keinen belastbaren Unterschied. Auf dem Sonnenberg stieg die Häufigkeitszahl sogar, "
    "von 12.537,2 (2018) auf 13.162,5 (2019).\n\n"
    "Ein Effekt der Maßnahmen lässt sich damit nach einem Jahr nicht belegen. Ein Zusammenhang "
    "wäre auch kein Beweis einer Wirkung, und kleine Stadtteile haben breite Intervalle (siehe "
    "Methodenhinweis zur Wirkungsanalyse). Die Verwaltung wiederholt die Analyse jährlich.",
    # 6: the survey over time with sample sizes
    "In der Bürgerumfrage antworteten auf die Frage „Wie sicher fühlen Sie sich nachts allein in "
    "Ihrer Wohngegend?“ stadtweit mit „sehr“ oder „ziemlich sicher“: 2015 74,6 % (3.124 "
    "Befragte), 2016 75,2 % (3.118), 2017 75,3 % (3.116), 2018 75,8 % (3.113) und 2019 77,3 % "
    "(3.112).\n\n"
    "Von 2018 auf 2019 ist das ein Plus von 1,5 Prozentpunkten (95-%-Intervall −0,6 bis 3,6): "
    "**kein belastbarer Unterschied**. In keinem der 39 Stadtteile ist die Veränderung nach der "
    "Korrektur für 39 Tests belastbar; je Stadtteil wurden nur 30 bis 220 Menschen befragt. Ob "
    "Vernetzung und Bürgerbeteiligung das Sicherheitsgefühl stärken, lässt sich deshalb erst mit "
    "weiteren Umfragejahren beurteilen. Die Abbildung stellt das Sicherheitsgefühl 2019 den "
    "registrierten Straftaten gegenüber.",
]
# (question number, kind, indicator key, district names, first year, last year, caption; an
# empty caption shows the generated title, the notes say the figures are sample data)
# Question 5 shows the effect analysis once Exhibit.Kind offers it ("effect", issue 16; for
# that kind "first year" is the first year after the reference date); until then the table of
# all 39 districts.
BA044_EXHIBITS = [
    (1, "meetings", None, [], 2019, 2020, ""),
    (2, "measures", None, [], 2019, 2020, ""),
    (3, "indicator_chart", "pks.890000", [], 2019, 2019, ""),
    (4, "indicator_chart", "sod.patrols", ["Zentrum"], 2015, 2019, ""),
    (5, "effect", "pks.890000", [], 2019, 2019, "")
    if "effect" in Exhibit.Kind.values
    else (5, "indicator_table", "pks.890000", [], 2017, 2019, ""),
    (6, "safety_comparison", None, [], None, 2019, ""),
]


def _reports() -> None:
    kpr, boss = User.objects.get(username="kpr"), User.objects.get(username="dezernat")
    motion = Motion.objects.get_by_slug("ba-044-2020")
    if not AnswerReport.all_objects.filter(motion=motion).exists():
        report = _report(
            motion,
            kpr,
            BA044_ANSWERS,
            BA044_SUMMARY,
            BA044_EXHIBITS,
            created=_at(datetime.date(2020, 9, 1)),
        )
        Action = MotionEvent.Action
        day = datetime.date(2020, 9, 28)
        for action, user, when in [
            (Action.REPORT_SUBMITTED, kpr, _at(day, 9)),
            (Action.REPORT_APPROVED, boss, _at(day, 15)),
            (Action.REPORT_PUBLISHED, boss, _at(day + datetime.timedelta(days=1), 10)),
        ]:
            MotionEvent.objects.record(
                motion=motion, report=report, user=user, created=when, action=action
            )
        # The demo approver (fictitious) signs in the office the KPR's chair holds.
        report.signatory_name = str(boss.person) if boss.person_id else boss.get_full_name()
        report.signatory_function = BA044_SIGNATORY_FUNCTION
        published = _at(day + datetime.timedelta(days=1), 10)
        report.documents.add(_demo_letter())
        _publish(report, boss, submitted=_at(day, 9), approved=_at(day, 15), published=published)
        Motion.objects.filter(pk=motion.pk).update(
            status=Motion.Status.ANSWERED, answered_at=published
        )
        MotionEvent.objects.record(
            motion=motion,
            user=boss,
            created=published,
            action=MotionEvent.Action.ANSWERED,
            from_status=Motion.Status.REGISTERED,
            to_status=Motion.Status.ANSWERED,
        )
        transaction.on_commit(lambda pk=report.pk: enqueue_pdf(pk))
    _answered_report(kpr, boss)
    others = [
        ("Förderung von Nachbarschaftsprojekten durch den Präventionsrat", "in_review"),
        ("Einsatzzeiten des Stadtordnungsdienstes am Wochenende", "draft"),
    ]
    for title, status in others:
        motion = Motion.objects.filter(title=title, status=Motion.Status.REGISTERED).first()
        if motion is None or AnswerReport.all_objects.filter(motion=motion).exists():
            continue
        answers = [
            f"Zur Frage nach dem Stand beim Thema „{title}“ berichtet die Verwaltung … "
            f"\n\n{REPORT_NOTE}",
            "Geplant sind … (Beispieldaten)" if status == "in_review" else "",
        ]
        exhibits = [(1, "measures", None, [], 2020, 2025, "")]
        report = _report(motion, kpr, answers, REPORT_NOTE, exhibits)
        if status == "in_review":
            report.status, report.submitted_at = AnswerReport.Status.IN_REVIEW, timezone.now()
            report.save(update_fields=["status", "submitted_at"])
            MotionEvent.objects.record(
                motion=motion,
                report=report,
                user=kpr,
                action=MotionEvent.Action.REPORT_SUBMITTED,
            )


# A document answered with BA-044/2020 (issue 15): invented, states no figure.
DEMO_LETTER_NAME = "Schreiben der Polizeidirektion Chemnitz zur Sicherheitspartnerschaft"
DEMO_LETTER_HTML = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8">
<title>Schreiben der Polizeidirektion Chemnitz (Beispieldaten)</title></head><body>
<p><strong>Beispieldaten – erfundenes Schreiben für die Demonstration des Ratsportals.</strong></p>
<h1>Polizeidirektion Chemnitz</h1>
<p>An die Stadt Chemnitz, Geschäftsstelle des Kommunalen Präventionsrates</p>
<p>Betreff: Zuarbeit zum Beschlussantrag BA-044/2020</p>
<p>Die Polizeidirektion Chemnitz unterstützt die Fortsetzung der Sicherheitspartnerschaft im
Rahmen der Allianz Sichere Sächsische Kommunen. Gemeinsame Streifen mit dem
Stadtordnungsdienst und die Beratung im Präventionsrat sollen fortgeführt werden. Die Zahlen
der Polizeilichen Kriminalstatistik für die Stadtteile stehen im Ratsportal.</p>
<p>Mit freundlichen Grüßen<br>Polizeidirektion Chemnitz (Beispieldaten)</p>
</body></html>"""


def _demo_letter() -> Attachment:
    pdf = html_to_pdf(DEMO_LETTER_HTML)
    upload = SimpleUploadedFile("schreiben-polizeidirektion.pdf", pdf, "application/pdf")
    return attachment_create(upload=upload, name=DEMO_LETTER_NAME, public=False)


def _publish(report, boss, *, submitted, approved, published) -> None:
    """Freeze a demo report as publication does, dated as if it happened then."""
    report.approver, report.approved_at, report.submitted_at = boss, approved, submitted
    fields = ["approver", "approved_at", "submitted_at", "signatory_name", "signatory_function"]
    report.save(update_fields=fields)
    freeze(report)
    report.snapshot["published_at"] = published.isoformat()
    AnswerReport.objects.filter(pk=report.pk).update(
        published_at=published, snapshot=report.snapshot
    )


def _answered_report(kpr, boss) -> None:
    """The published answer of the demo's answered RA: an answered motion always has one."""
    motion = Motion.objects.filter(
        title="Personalstärke des Stadtordnungsdienstes", status=Motion.Status.ANSWERED
    ).first()
    if motion is None or AnswerReport.all_objects.filter(motion=motion).exists():
        return
    answers = [
        "Der Stadtordnungsdienst hat derzeit 48 Planstellen, von denen 44 besetzt sind. "
        f"(Beispieldaten)\n\n{REPORT_NOTE}",
        "Die Verwaltung plant, die vier offenen Stellen bis Jahresende zu besetzen. "
        "(Beispieldaten)",
    ]
    published = motion.answered_at
    report = _report(motion, kpr, answers, REPORT_NOTE, [], created=published)
    for action, user in [
        (MotionEvent.Action.REPORT_SUBMITTED, kpr),
        (MotionEvent.Action.REPORT_APPROVED, boss),
        (MotionEvent.Action.REPORT_PUBLISHED, boss),
    ]:
        MotionEvent.objects.record(report=report, user=user, created=published, action=action)
    _publish(report, boss, submitted=published, approved=published, published=published)
    transaction.on_commit(lambda pk=report.pk: enqueue_pdf(pk))


def _report(motion, author, answers, summary, exhibits, created=None) -> AnswerReport:
    report = AnswerReport.objects.create(
        motion=motion,
        slug=motion.public_slug,
        title=f"Antwort der Verwaltung: {motion.title}"[:300],
        summary=summary,
        created_by=author,
        created=created or timezone.now(),
    )
    by_number = {}
    for question, text in zip(motion.questions.order_by("number"), answers, strict=False):
        by_number[question.number] = Answer.objects.create(
            report=report, question=question, text=text
        )
    for number, kind, key, districts, first, last, caption in exhibits:
        exhibit = Exhibit.objects.create(
            answer=by_number[number],
            kind=kind,
            indicator=Indicator.objects.filter(key=key).first() if key else None,
            year_from=first,
            year_to=last,
            caption=caption,
        )
        exhibit.districts.set(District.objects.filter(name__in=districts))
    MotionEvent.objects.record(
        motion=motion,
        report=report,
        user=author,
        created=report.created,
        action=MotionEvent.Action.REPORT_STARTED,
    )
    return report

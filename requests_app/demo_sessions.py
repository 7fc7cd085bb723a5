"""Demo council sessions (issue 14): the Stadtrat and two committees with fictitious members,
the route of BA-044/2020 (committee, then the Stadtrat on 24.06.2020) and two sessions of the
current year on weekdays, one held with published minutes, one planned and invited.

Runs after requests_app.demo (the motions and the meeting of 24.06.2020 exist). Only creates
what is missing: a second run changes nothing. All persons are fictitious (Beispieldaten).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from portal.models import AgendaItem, Location, Meeting, Membership, Organization, Person
from requests_app.models import Consultation, Motion, MotionEvent
from requests_app.services.sessions import consultation_comment

BERLIN = ZoneInfo("Europe/Berlin")
NOTE = "Beispieldaten"
SECURITY = ("Ausschuss für Sicherheit, Ordnung und Umwelt", "ASOU")
FINANCE = ("Verwaltungs- und Finanzausschuss", "VFA")
# Further fictitious council members (the portal demo has six): the Stadtrat has 20 voting
# members in the demo, so every vote below adds up to at most 20.
MORE_COUNCIL_MEMBERS = [
    ("Hanna", "Hausmann", "CDU"),
    ("Ingo", "Irgendwer", "CDU"),
    ("Jana", "Jedermann", "DIE LINKE"),
    ("Klaus", "Kunstname", "AfD"),
    ("Lena", "Losname", "AfD"),
    ("Malte", "Mustermann", "SPD"),
    ("Nora", "Namenlos", "GRÜNE"),
    ("Otto", "Ohnename", "CDU"),
    ("Paula", "Probst", "DIE LINKE"),
    ("Quirin", "Quelle", "AfD"),
    ("Rita", "Rollenspiel", "SPD"),
    ("Sven", "Stellvertreter", "CDU"),
    ("Tina", "Testfall", "GRÜNE"),
    ("Uwe", "Unbekannt", "AfD"),
]
# Committee members: (given name, family name) of council members; the first one chairs.
COMMITTEES = {
    SECURITY: [
        ("Clara", "Muster"),
        ("Anna", "Beispiel"),
        ("Erik", "Exempel"),
        ("Frieda", "Fiktiv"),
        ("Gregor", "Platzhalter"),
        ("Hanna", "Hausmann"),
        ("Klaus", "Kunstname"),
    ],
    FINANCE: [
        ("Malte", "Mustermann"),
        ("Bernd", "Beispielmann"),
        ("Ingo", "Irgendwer"),
        ("Lena", "Losname"),
        ("Nora", "Namenlos"),
        ("Otto", "Ohnename"),
        ("Paula", "Probst"),
    ],
}


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BERLIN)


def _weekday(day: datetime.date, step: int) -> datetime.date:
    """`day`, or the nearest Monday to Friday in the direction of `step` (+1 or -1)."""
    while day.weekday() >= 5:
        day += datetime.timedelta(days=step)
    return day


@transaction.atomic
def load(*, stdout) -> None:
    council = Organization.objects.get(short_name="Stadtrat", kind=Organization.Kind.COUNCIL)
    hall = Location.objects.get(description="Rathaus Chemnitz, Stadtverordnetensaal")
    room, _created = Location.objects.get_or_create(
        description="Rathaus Chemnitz, Beratungsraum",
        defaults={"street_address": "Markt 1", "postal_code": "09111", "room": "Raum 119"},
    )
    _members(council)
    committees = {key: _committee(council, *key, people) for key, people in COMMITTEES.items()}
    _ba044(council, committees[SECURITY], hall, room)
    _this_year(council, committees[SECURITY], hall, room)
    stdout.write("Sitzungen von Stadtrat und Ausschüssen angelegt (Beispieldaten).\n")


def _members(council: Organization) -> None:
    for given, family, faction in MORE_COUNCIL_MEMBERS:
        person, _created = Person.objects.get_or_create(
            given_name=given, family_name=family, defaults={"public": True}
        )
        for organization in (
            council,
            Organization.objects.get(short_name=faction, kind=Organization.Kind.FACTION),
        ):
            Membership.objects.get_or_create(
                person=person,
                organization=organization,
                defaults={"role": Membership.Role.MEMBER, "start_date": "2019-08-01"},
            )


def _committee(council: Organization, name: str, short: str, people) -> Organization:
    committee, _created = Organization.objects.get_or_create(
        kind=Organization.Kind.COMMITTEE,
        name=name,
        defaults={"short_name": short, "parent": council, "start_date": "2019-08-01"},
    )
    for position, (given, family) in enumerate(people):
        person = Person.objects.get(given_name=given, family_name=family)
        Membership.objects.get_or_create(
            person=person,
            organization=committee,
            defaults={
                "role": Membership.Role.CHAIR if position == 0 else Membership.Role.MEMBER,
                "start_date": "2019-08-01",
            },
        )
    return committee


def _meeting(organization, name, start, **fields) -> Meeting:
    meeting = Meeting.objects.filter(
        organization=organization, name=name, start__year=start.year
    ).first()
    return meeting or Meeting.objects.create(
        organization=organization, name=name, start=start, **fields
    )


def _item(meeting, number, title, *, public=True, result="") -> AgendaItem:
    item, _created = AgendaItem.objects.get_or_create(
        meeting=meeting,
        number=number,
        defaults={"title": title, "public": public, "result": result},
    )
    if item.order == 0:
        item.order = meeting.agenda_items.exclude(order=0).count() + 1
        item.save(update_fields=["order"])
    return item


def _consult(motion, item, role, result="", votes=(None, None, None), when=None):
    """The consultation and, once it has a result, the motion's TREATED event (once)."""
    consultation, created = Consultation.objects.get_or_create(
        motion=motion,
        agenda_item=item,
        defaults={
            "role": role,
            "result": result,
            "votes_yes": votes[0],
            "votes_no": votes[1],
            "votes_abstain": votes[2],
        },
    )
    if created and result:
        MotionEvent.objects.record(
            motion=motion,
            user=None,
            action=MotionEvent.Action.TREATED,
            from_status=motion.status,
            to_status=motion.status,
            comment=consultation_comment(consultation),
            created=when or item.meeting.end or item.meeting.start,
        )
    return consultation


def _ba044(council, security, hall, room) -> None:
    motion = Motion.objects.get_by_slug("ba-044-2020")
    committee = _meeting(
        security,
        f"Sitzung des {SECURITY[0].replace('Ausschuss', 'Ausschusses', 1)}",
        _at(datetime.date(2020, 6, 10), 16),
        end=_at(datetime.date(2020, 6, 10), 18),
        location=room,
        state=Meeting.State.HELD,
        public=True,
    )
    item = _item(committee, "Ö 4", f"BA-044/2020 {motion.title}", result="angenommen")
    _consult(motion, item, Consultation.Role.PRELIMINARY, Consultation.Result.ADOPTED, (5, 1, 1))

    # The Stadtrat's session of 24.06.2020 (requests_app.demo made it): place, end, number.
    session = motion.meeting or Meeting.objects.get(
        organization=council, start=_at(datetime.date(2020, 6, 24), 15)
    )
    if session.location_id is None or session.end is None:
        session.location = session.location or hall
        session.end = session.end or _at(datetime.date(2020, 6, 24), 20, 30)
        session.save(update_fields=["location", "end", "modified"])
    item = motion.agenda_item or _item(session, "Ö 7", f"BA-044/2020 {motion.title}")
    if not item.number:
        item.number, item.order = "Ö 7", item.order or 7
        item.save(update_fields=["number", "order", "modified"])
    votes = (12, 5, 2)
    consultation, created = Consultation.objects.get_or_create(
        motion=motion,
        agenda_item=item,
        defaults={
            "role": Consultation.Role.DECISION,
            "result": Consultation.Result.ADOPTED,
            "votes_yes": votes[0],
            "votes_no": votes[1],
            "votes_abstain": votes[2],
        },
    )
    if created:
        # requests_app.demo recorded the treatment already; it gains its votes here.
        Motion.objects.filter(pk=motion.pk).update(
            votes_yes=votes[0], votes_no=votes[1], votes_abstain=votes[2]
        )
        motion.events.filter(action=MotionEvent.Action.TREATED, created__date="2020-06-24").update(
            comment=consultation_comment(consultation)
        )


def _this_year(council, security, hall, room) -> None:
    today = timezone.localdate()
    held_day = _weekday(today - datetime.timedelta(days=14), -1)
    planned_day = _weekday(today + datetime.timedelta(days=14), +1)
    held = _meeting(
        security,
        f"Sitzung des Ausschusses für Sicherheit, Ordnung und Umwelt ({NOTE})",
        _at(held_day, 16),
        end=_at(held_day, 18, 15),
        location=room,
        state=Meeting.State.HELD,
        public=True,
    )
    planned = _meeting(
        council,
        f"Sitzung des Stadtrates ({NOTE})",
        _at(planned_day, 15),
        end=_at(planned_day, 20),
        location=hall,
        state=Meeting.State.INVITED,
        public=True,
        invited_at=timezone.now(),
    )
    motions = {
        motion.title: motion
        for motion in Motion.objects.filter(year=today.year, status=Motion.Status.REGISTERED)
    }
    for number, title in [
        ("Ö 2", "Einsatzzeiten des Stadtordnungsdienstes am Wochenende"),
        ("Ö 3", "Präventionsangebote an Chemnitzer Oberschulen"),
    ]:
        motion = motions.get(title)
        if motion is not None:
            item = _item(
                held, number, f"{motion.reference} {title}", result="zur Kenntnis genommen"
            )
            _consult(motion, item, Consultation.Role.NOTICE, Consultation.Result.NOTED)
    if not held.minutes_published_at:
        held.minutes = MINUTES
        held.minutes_published_at = _at(held_day + datetime.timedelta(days=3), 10)
        held.save(update_fields=["minutes", "minutes_published_at", "modified"])

    motion = motions.get("Förderung von Nachbarschaftsprojekten durch den Präventionsrat")
    if motion is not None:
        item = _item(planned, "Ö 5", f"{motion.reference} {motion.title}")
        _consult(motion, item, Consultation.Role.NOTICE)
    confidential = motions.get("Schutz von Beschäftigten im Bürgerservice")
    if confidential is not None:
        # Treated in the non-public part: the item never carries the motion's title.
        item = _item(planned, "N 1", "Nichtöffentlicher Antrag", public=False)
        _consult(confidential, item, Consultation.Role.NOTICE)


MINUTES = f"""**{NOTE}** – fiktive Niederschrift für die Demonstration des Portals.

Beginn 16:00 Uhr, Ende 18:15 Uhr.

Der Ausschuss nimmt die Berichte der Verwaltung zu den Einsatzzeiten des
Stadtordnungsdienstes am Wochenende (Ö 2) und zu den Präventionsangeboten an Oberschulen (Ö 3)
zur Kenntnis."""

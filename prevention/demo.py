"""Demo content of the prevention app (called by `manage.py loaddemo`, see portal/demo.py)."""

from django.utils.translation import gettext_noop

from prevention import demo_minutes


def load(*, stdout) -> None:
    load_districts_and_indicators(stdout=stdout)
    load_prevention_council(stdout=stdout)


# --- districts and indicators (issue 5) ---
# Synthetic figures, drawn from random.Random(2019) in a fixed order: the same numbers on every
# machine and every run. Magnitudes follow ../shared/data/README.md (city Häufigkeitszahl about
# 8,000, the centre far above; clearance about 60 %; three quarters felt unsafe at night in the
# centre in 2018). Every row is marked synthetic, so every page says "Beispieldaten".
DEMO_YEARS = range(2015, 2026)
# all offences per year relative to 2018 (2020/21: pandemic years)
DEMO_YEAR_FACTOR = {
    2015: 1.10, 2016: 1.12, 2017: 1.05, 2018: 1.00, 2019: 0.97, 2020: 0.90,
    2021: 0.87, 2022: 0.95, 2023: 0.96, 2024: 0.93, 2025: 0.91,
}  # fmt: skip
# Häufigkeitszahl of all offences relative to the city's, for districts that stand out
DEMO_CRIME_FACTOR = {"01": 3.3, "21": 1.6, "02": 1.25, "22": 1.15, "91": 0.95, "92": 1.05}
# share of all offences per PKS group: (ordinary district, centre)
DEMO_SHARES = {
    "pks.892000": (0.035, 0.05),
    "pks.899000": (0.21, 0.31),
    "pks.theft": (0.33, 0.36),
    "pks.burglary": (0.02, 0.006),
    "pks.220000": (0.11, 0.13),
    "pks.674000": (0.10, 0.09),
    "pks.730000": (0.045, 0.08),
}
DEMO_CITY_HZ = 8_300


def load_districts_and_indicators(*, stdout) -> None:
    """Populations for every district and year, and every catalogue indicator for every
    district and the city, 2015-2025. Only missing rows are created."""
    import random

    from prevention.models import District, Indicator, IndicatorValue, Population
    from prevention.models.districts import load_districts
    from prevention.models.indicators import load_catalogue

    load_districts()
    load_catalogue()
    rng = random.Random(2019)
    districts = sorted(District.objects.all(), key=lambda district: district.number)
    populations = _demo_populations(rng, districts)
    values = _demo_values(rng, districts, populations)
    existing = set(Population.objects.values_list("district_id", "year"))
    Population.objects.bulk_create(
        Population(district=district, year=year, inhabitants=inhabitants, synthetic=True)
        for (district, year), inhabitants in populations.items()
        if (district.pk, year) not in existing
    )
    indicators = {indicator.key: indicator for indicator in Indicator.objects.all()}
    existing = set(IndicatorValue.objects.values_list("indicator_id", "district_id", "year"))
    new = [
        IndicatorValue(
            indicator=indicators[key], district=district, year=year, value=value, synthetic=True
        )
        for (key, district, year), value in values.items()
        if key in indicators
        and (indicators[key].pk, district.pk if district else None, year) not in existing
    ]
    IndicatorValue.objects.bulk_create(new, batch_size=1000)
    _demo_sample_sizes(indicators.get("survey.safe_at_night"), populations)
    if new:
        stdout.write(f"Kennzahlen: {len(new)} Beispielwerte angelegt.")


# Respondents of the (synthetic) yearly Bürgerumfrage: about 1.2 % of the inhabitants of each
# district, at least 30; the city's sample is the sum. Computed, not drawn, so adding it did
# not change any other demo figure.
DEMO_SURVEY_SHARE = 0.012
DEMO_SURVEY_MINIMUM = 30


def demo_sample_size(inhabitants: int) -> int:
    return max(DEMO_SURVEY_MINIMUM, round(inhabitants * DEMO_SURVEY_SHARE))


def _demo_sample_sizes(indicator, populations) -> None:
    """Give the synthetic survey values their sample sizes (also to rows of an older demo)."""
    from prevention.models import IndicatorValue

    if indicator is None:
        return
    sizes = {
        (district.pk, year): demo_sample_size(inhabitants)
        for (district, year), inhabitants in populations.items()
    }
    city: dict[int, int] = {}
    for (_district_pk, year), size in sizes.items():
        city[year] = city.get(year, 0) + size
    changed = []
    rows = IndicatorValue.objects.filter(indicator=indicator, synthetic=True, sample_size=None)
    for row in rows:
        size = sizes.get((row.district_id, row.year)) if row.district_id else city.get(row.year)
        if size:
            row.sample_size = size
            changed.append(row)
    IndicatorValue.objects.bulk_update(changed, ["sample_size"], batch_size=1000)


def _demo_populations(rng, districts) -> dict:
    """(district, year) -> inhabitants; published 2018 figures are kept as they are."""
    from prevention.models import Population

    known = {
        population.district_id: population.inhabitants
        for population in Population.objects.filter(year=2018, synthetic=False)
    }
    result = {}
    for district in districts:
        low, high = (1_500, 4_500) if district.ortschaft else (3_000, 8_000)
        drawn = rng.randint(low, high)
        growth = rng.uniform(-0.006, 0.004)
        base = known.get(district.pk, drawn)
        for year in DEMO_YEARS:
            if year == 2018 and district.pk in known:
                continue
            result[(district, year)] = round(base * (1 + growth) ** (year - 2018))
    for district in districts:  # the published 2018 figures, for the rates below
        if district.pk in known:
            result.setdefault((district, 2018), known[district.pk])
    return result


def _demo_values(rng, districts, populations) -> dict:
    """(indicator key, district or None, year) -> value."""
    from decimal import Decimal

    values: dict = {}
    for district in districts:
        centre = district.number == "01"
        default = rng.uniform(0.25, 0.5) if district.ortschaft else rng.uniform(0.4, 1.0)
        crime_factor = DEMO_CRIME_FACTOR.get(district.number, default)
        clearance = rng.uniform(54, 67)
        patrols = rng.randint(350, 520) if centre else rng.randint(6, 90)
        safe_2018 = 25.0 if centre else min(93.0, 96 - 22 * crime_factor + rng.uniform(-4, 4))
        for year in DEMO_YEARS:
            inhabitants = populations[(district, year)]
            cases = round(
                DEMO_CITY_HZ * crime_factor * DEMO_YEAR_FACTOR[year] * inhabitants / 100_000
                * rng.uniform(0.94, 1.06)
            )  # fmt: skip
            values[("pks.890000", district, year)] = Decimal(cases)
            for key, shares in DEMO_SHARES.items():
                share = shares[1] if centre else shares[0]
                values[(key, district, year)] = Decimal(
                    round(cases * share * rng.uniform(0.8, 1.2))
                )
            rate = clearance + rng.uniform(-3, 3) + (1.0 if year >= 2019 else 0)
            values[("pks.890000.clearance", district, year)] = Decimal(f"{rate:.1f}")
            asskomm = 1.35 if year >= 2019 else 1.0
            values[("sod.patrols", district, year)] = Decimal(
                round(patrols * asskomm * rng.uniform(0.9, 1.1))
            )
            values[("sod.offences", district, year)] = Decimal(
                round(patrols * 1.8 * asskomm * rng.uniform(0.7, 1.3))
            )
            safe = safe_2018 + (year - 2018) * (1.2 if year >= 2019 else 0.3) + rng.uniform(-3, 3)
            values[("survey.safe_at_night", district, year)] = Decimal(
                f"{max(5.0, min(97.0, safe)):.1f}"
            )
    for year in DEMO_YEARS:  # the city: sums (plus cases without a district) and means
        inhabitants = sum(populations[(district, year)] for district in districts)
        for key in ["pks.890000", *DEMO_SHARES, "sod.patrols", "sod.offences"]:
            total = sum(values[(key, district, year)] for district in districts)
            unassigned = round(total / 50) if key.startswith("pks.") else 0
            values[(key, None, year)] = total + unassigned
        for key in ["pks.890000.clearance", "survey.safe_at_night"]:
            weighted = sum(
                values[(key, district, year)] * populations[(district, year)]
                for district in districts
            )
            values[(key, None, year)] = (weighted / inhabitants).quantize(Decimal("0.1"))
    return values


# --- prevention council (issue 4) ---
# Public facts (../shared/data/README.md): founded 04.02.1998 on council initiative as
# "Kriminalpräventiver Rat", re-constituted on 22.08.2019 as Kommunaler Präventionsrat, chaired by
# the Bürgermeister für Recht, Sicherheit und Umweltschutz, office in that department in the
# "Weißes Haus", seven working groups. Everything else below is invented and labelled as such.
# Stored as written; the pages show it translated (in the catalogue through gettext_noop).
KPR_DEMO_NOTE = gettext_noop(
    "Arbeitsgruppen, Sitzungen, Tagesordnungen, Niederschriften, Maßnahmen und Förderbeträge "
    "auf diesen Seiten sind erfundene Beispieldaten – keine amtlichen Angaben."
)
KPR_HISTORY = (
    "Auf Initiative des Stadtrats vom 4. Februar 1998 entstand der **Kriminalpräventive Rat "
    "Chemnitz**. Im August 2019 wurde er als **Kommunaler Präventionsrat Chemnitz** neu "
    "konstituiert, nachdem Chemnitz im Februar 2019 eine der acht Modellkommunen der *Allianz "
    "Sichere Sächsische Kommunen* (ASSKomm) geworden war."
)
KPR_MISSION = (
    "Der Präventionsrat bringt Stadtverwaltung, Polizei, Justiz und Zivilgesellschaft an einen "
    "Tisch. Er analysiert die Sicherheitslage in den Stadtteilen, stößt Maßnahmen der "
    "Kriminalprävention an und begleitet sie. Fördermittel des Freistaates nach der "
    "RL KommPräv (bis zu 90 % der Kosten) beantragt die Stadt über ihn."
)
# (organisation short name, Membership.Role, role title, voting right)
KPR_MEMBERS = [
    ("Dezernat 3", "chair", "Bürgermeister für Recht, Sicherheit und Umweltschutz", True),
    ("PD Chemnitz", "member", "Leitung der Polizeidirektion Chemnitz", True),
    ("Dezernat 5", "member", "Bürgermeister für Soziales", True),
    ("StA Chemnitz", "member", "Leitung der Staatsanwaltschaft Chemnitz", True),
    ("SOD", "member", "Leitung des Stadtordnungsdienstes", True),
    ("LPR Sachsen", "member", "Landespräventionsrat Sachsen (beratend)", False),
    ("Dezernat 3", "management", "Geschäftsstelle des Kommunalen Präventionsrates", False),
]
# Fictitious council members of the portal demo who sit in the KPR for their faction.
KPR_COUNCIL_MEMBERS = [("Bernd", "Beispielmann", "DIE LINKE"), ("Clara", "Muster", "CDU")]
KPR_WORKING_GROUPS = [
    ("AG Sicherheit im öffentlichen Raum", "AG Öffentlicher Raum"),
    ("AG Kinder- und Jugendschutz", "AG Jugend"),
    ("AG Suchtprävention", "AG Sucht"),
    ("AG Häusliche Gewalt und Opferschutz", "AG Häusliche Gewalt"),
    ("AG Demokratie und Extremismusprävention", "AG Demokratie"),
    ("AG Städtebauliche Kriminalprävention", "AG Städtebau"),
    ("AG Sicherheit im Alter", "AG Senioren"),
]
KPR_TOPICS = [
    "Sicherheitsanalyse für die Innenstadt",
    "Zwischenbilanz ASSKomm",
    "Präsenz von Polizei und Stadtordnungsdienst",
    "Beleuchtung von Wegen und Plätzen",
    "Ergebnisse der Bürgerumfrage zum Sicherheitsgefühl",
    "Jugendarbeit in den Stadtteilen",
    "Förderanträge nach RL KommPräv für das Folgejahr",
]
# (title, districts, working group short name, partner short names, start, end, funding rows)
# funding rows: (year, requested, granted, own share) in euro
KPR_MEASURES = [
    (
        "Gemeinsame Präsenzstreifen von Polizei und Stadtordnungsdienst",
        ["Zentrum"],
        "AG Öffentlicher Raum",
        ["PD Chemnitz", "SOD"],
        "2019-10-01",
        None,
        [
            (2020, 60000, 54000, 6000),
            (2021, 65000, 58500, 6500),
            (2022, 65000, 58500, 6500),
            (2023, 70000, 60000, 7000),
            (2024, 70000, 63000, 7000),
            (2025, 72000, 64800, 7200),
        ],
    ),
    (
        "Sicherheitsaudit öffentlicher Plätze",
        ["Zentrum", "Sonnenberg"],
        "AG Städtebau",
        ["PD Chemnitz", "Dezernat 6"],
        "2019-11-01",
        "2020-12-31",
        [(2019, 20000, 18000, 2000), (2020, 25000, 22500, 2500)],
    ),
    (
        "Beleuchtungskonzept für Angsträume",
        ["Sonnenberg", "Zentrum", "Yorckgebiet"],
        "AG Städtebau",
        ["Dezernat 6"],
        "2021-03-01",
        "2023-10-31",
        [(2021, 90000, 81000, 9000), (2022, 120000, 100000, 20000)],
    ),
    (
        "Präventionstage an Oberschulen",
        ["Sonnenberg", "Hutholz", "Markersdorf"],
        "AG Jugend",
        ["PD Chemnitz", "Dezernat 5"],
        "2020-02-01",
        None,
        [
            (2020, 15000, 13500, 1500),
            (2021, 15000, 13500, 1500),
            (2023, 18000, 16200, 1800),
            (2025, 20000, 18000, 2000),
        ],
    ),
    (
        "Beratungsnetzwerk gegen häusliche Gewalt",
        [],
        "AG Häusliche Gewalt",
        ["Dezernat 5", "StA Chemnitz"],
        "2020-09-01",
        None,
        [(2021, 30000, 27000, 3000), (2022, 30000, 27000, 3000), (2024, 32000, 28800, 3200)],
    ),
    (
        "Streetwork und Suchtprävention in der Innenstadt",
        ["Zentrum", "Sonnenberg"],
        "AG Sucht",
        ["Dezernat 5"],
        "2022-04-01",
        None,
        [(2022, 45000, 40500, 4500), (2023, 45000, 40500, 4500), (2024, 48000, 40000, 8000)],
    ),
    (
        "Sicherheitsberatung für Seniorinnen und Senioren",
        [],
        "AG Senioren",
        ["PD Chemnitz"],
        "2023-01-01",
        None,
        [(2023, 8000, 7200, 800), (2025, 9000, 8100, 900)],
    ),
    (
        "Demokratiewerkstätten in Stadtteiltreffs",
        ["Hutholz", "Helbersdorf", "Kaßberg"],
        "AG Demokratie",
        ["Dezernat 5"],
        "2024-03-01",
        None,
        [(2024, 25000, 22500, 2500), (2025, 25000, 22500, 2500)],
    ),
]


def _kpr_meeting_dates():
    """The constituent meeting of 22.08.2019, then two meetings a year until 2027 (March and
    September: the autumn meeting of 2020 lies before the answer to BA-044/2020 of 29.09.2020,
    which lists the meetings of 2019 and 2020), moved off weekends to the next Monday.

    Meetings after today are planned (no minutes, no results), so the demo always shows
    upcoming meetings on the home page and in the calendar."""
    import datetime

    from prevention.demo_minutes import weekday_on_or_after

    dates = [datetime.date(2019, 8, 22), datetime.date(2019, 11, 14)]
    for year in range(2020, 2028):
        dates += [datetime.date(year, 3, 12 + year % 7), datetime.date(year, 9, 10 + year % 9)]
    return [weekday_on_or_after(day) for day in dates]


def load_prevention_council(*, stdout) -> None:
    import datetime
    from zoneinfo import ZoneInfo

    from portal.models import AgendaItem, Location, Meeting, Membership, Organization, Person
    from prevention.models import Attendance, District, Funding, Measure, PreventionCouncil

    def org(short_name: str, name: str, kind: str, **extra) -> Organization:
        found = Organization.objects.filter(short_name=short_name).first()
        if found is None:
            found, _created = Organization.objects.get_or_create(
                kind=kind, name=name, defaults={"short_name": short_name, **extra}
            )
        return found

    kpr = org("KPR", "Kommunaler Präventionsrat Chemnitz", Organization.Kind.PREVENTION_COUNCIL)
    law = org(
        "Dezernat 3", "Dezernat Recht, Sicherheit und Umweltschutz", Organization.Kind.DEPARTMENT
    )
    org("Dezernat 5", "Dezernat Soziales", Organization.Kind.DEPARTMENT)
    org("Dezernat 6", "Dezernat Stadtentwicklung und Bau", Organization.Kind.DEPARTMENT)
    org("SOD", "Stadtordnungsdienst", Organization.Kind.DEPARTMENT, parent=law)
    org("PD Chemnitz", "Polizeidirektion Chemnitz", Organization.Kind.EXTERNAL)
    org("StA Chemnitz", "Staatsanwaltschaft Chemnitz", Organization.Kind.EXTERNAL)
    org("LPR Sachsen", "Landespräventionsrat Sachsen", Organization.Kind.EXTERNAL)

    PreventionCouncil.objects.get_or_create(
        organization=kpr,
        defaults={
            "former_name": "Kriminalpräventiver Rat Chemnitz",
            "founded_on": datetime.date(1998, 2, 4),
            "founding_note": "auf Initiative des Stadtrats",
            "reconstituted_on": datetime.date(2019, 8, 22),
            "chair_title": "Bürgermeister für Recht, Sicherheit und Umweltschutz",
            "office": law,
            "office_building": "Weißes Haus",
            "history": KPR_HISTORY,
            "mission": KPR_MISSION,
            "demo_note": KPR_DEMO_NOTE,
        },
    )
    memberships = []
    for short_name, role, title, voting in KPR_MEMBERS:
        membership, _created = Membership.objects.get_or_create(
            organization=kpr,
            person=None,
            on_behalf_of=Organization.objects.get(short_name=short_name),
            role=role,
            defaults={
                "role_title": title,
                "voting_right": voting,
                "start_date": datetime.date(2019, 8, 22),
            },
        )
        memberships.append(membership)
    for given, family, faction in KPR_COUNCIL_MEMBERS:
        person = Person.objects.filter(given_name=given, family_name=family).first()
        faction_org = Organization.objects.filter(short_name=faction).first()
        if person and faction_org:
            membership, _created = Membership.objects.get_or_create(
                organization=kpr,
                person=person,
                defaults={
                    "on_behalf_of": faction_org,
                    "role_title": "Mitglied des Stadtrats",
                    "start_date": datetime.date(2019, 8, 22),
                },
            )
            memberships.append(membership)
    groups = {
        short: Organization.objects.get_or_create(
            kind=Organization.Kind.WORKING_GROUP,
            name=name,
            defaults={"short_name": short, "parent": kpr, "start_date": datetime.date(2019, 8, 22)},
        )[0]
        for name, short in KPR_WORKING_GROUPS
    }

    place, _created = Location.objects.get_or_create(
        description="Weißes Haus",
        defaults={"room": "Beratungsraum (Beispieldaten)", "locality": "Chemnitz"},
    )
    berlin = ZoneInfo("Europe/Berlin")
    dates = _kpr_meeting_dates()
    group_names = {short: name for name, short in KPR_WORKING_GROUPS}
    for index, day in enumerate(dates):
        start = datetime.datetime.combine(day, datetime.time(16, 0), tzinfo=berlin)
        first = index == 0
        held = day < datetime.date.today()
        topic = KPR_TOPICS[index % len(KPR_TOPICS)]
        minutes = demo_minutes.minutes_text(
            day=day,
            topic=topic,
            first=first,
            previous=dates[index - 1] if index else None,
            following=dates[index + 1] if index + 1 < len(dates) else None,
            measures=KPR_MEASURES,
            groups=group_names,
        )
        _move_weekend_meeting(kpr, start)
        meeting, created = Meeting.objects.get_or_create(
            organization=kpr,
            start=start,
            defaults={
                "name": "Konstituierende Sitzung des Kommunalen Präventionsrates"
                if first
                else "Sitzung des Kommunalen Präventionsrates",
                "end": start + datetime.timedelta(hours=2),
                "location": place,
                "state": Meeting.State.HELD if held else Meeting.State.PLANNED,
                "public": True,
                "minutes": minutes if held else "",
            },
        )
        if held:
            _refresh_demo_minutes(meeting, minutes)
            _attach_status_report(meeting, day, topic)
        if not created:
            continue
        titles = [
            ("Eröffnung und Feststellung der Beschlussfähigkeit", True),
            (
                "Konstituierung und Geschäftsordnung" if first else "Bericht der Geschäftsstelle",
                True,
            ),
            (topic, True),
            ("Berichte aus den Arbeitsgruppen", True),
            ("Fördermittel- und Personalangelegenheiten", False),
            ("Verschiedenes", True),
        ]
        for order, (title, public) in enumerate(titles, start=1):
            AgendaItem.objects.create(
                meeting=meeting,
                order=order,
                number=str(order),
                title=title,
                public=public,
                result="zur Kenntnis genommen" if held and public and order > 1 else "",
            )
        for position, membership in enumerate(memberships if held else []):
            status = "excused" if (index + position) % 5 == 0 else "present"
            Attendance.objects.get_or_create(
                meeting=meeting, membership=membership, defaults={"status": status}
            )

    for title, district_names, group, partners, start, end, rows in KPR_MEASURES:
        measure, created = Measure.objects.get_or_create(
            title=title,
            defaults={
                "description": (
                    "*Beispieldaten:* erfundene Maßnahme zur Vorführung des Portals. "
                    f"Sie wird von der {groups[group].name} begleitet."
                ),
                "working_group": groups[group],
                "status": Measure.Status.COMPLETED if end else Measure.Status.RUNNING,
                "start_date": start,
                "end_date": end,
                "public": True,
                "demo_content": True,
            },
        )
        # Districts come from the other topic's data migration; without them a measure is
        # simply shown as city-wide.
        measure.districts.add(*District.objects.filter(name__in=district_names))
        if created:
            measure.partners.add(*Organization.objects.filter(short_name__in=partners))
        for year, requested, granted, own_share in rows:
            Funding.objects.get_or_create(
                measure=measure,
                year=year,
                source="Freistaat Sachsen – RL KommPräv / ASSKomm",
                defaults={"requested": requested, "granted": granted, "own_share": own_share},
            )
    stdout.write("Kommunaler Präventionsrat: Profil, Gremien, Sitzungen und Maßnahmen geladen.")


def _move_weekend_meeting(kpr, start) -> None:
    """Demo databases loaded before meetings were moved off weekends keep one meeting per date:
    the old weekend meeting moves to its working day."""
    import datetime

    from portal.models import Meeting

    for back in (1, 2):
        old = start - datetime.timedelta(days=back)
        if (
            old.weekday() >= 5
            and not Meeting.objects.filter(organization=kpr, start=start).exists()
        ):
            Meeting.objects.filter(organization=kpr, start=old).update(
                start=start, end=start + datetime.timedelta(hours=2)
            )


def _refresh_demo_minutes(meeting, minutes: str) -> None:
    """Replaces the demo's former identical minutes; minutes the office wrote stay."""
    if meeting.minutes != minutes and meeting.minutes.startswith(demo_minutes.DEMO_MARK):
        meeting.minutes = minutes
        meeting.save(update_fields=["minutes", "modified"])


def _attach_status_report(meeting, day, topic: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from portal.uploads import attachment_create

    if meeting.attachments.exists():
        return
    running = [m[0] for m in demo_minutes.running_measures(KPR_MEASURES, day)]
    pdf = demo_minutes.status_report_pdf(day=day, topic=topic, running=running)
    upload = SimpleUploadedFile(f"sachstand-{day:%Y-%m-%d}.pdf", pdf, "application/pdf")
    name = f"Sachstandsbericht der Geschäftsstelle ({day:%d.%m.%Y}, Beispieldaten)"
    meeting.attachments.add(attachment_create(upload=upload, name=name, public=True))

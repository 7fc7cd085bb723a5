"""Demo content of the civic core: the city, its council, factions, departments, partners, accounts.

`manage.py loaddemo` calls `load()` of every installed app's `demo` module in INSTALLED_APPS order,
so prevention and requests_app add their content in their own `demo.py`. Every loader only creates
what is missing (get_or_create): running it twice changes nothing.
All persons are fictitious; real offices appear only as roles, never with invented names.
"""

from django.contrib.auth.models import Group

from portal import roles
from portal.models import (
    Body,
    LegislativeTerm,
    Location,
    Membership,
    Organization,
    Person,
    User,
)

DEMO_PASSWORD = "demo"

FACTIONS = [
    ("Fraktion DIE LINKE", "DIE LINKE"),
    ("Fraktion CDU", "CDU"),
    ("Fraktion AfD", "AfD"),
    ("Fraktion SPD", "SPD"),
    ("Fraktion BÜNDNIS 90/DIE GRÜNEN", "GRÜNE"),
]
DEPARTMENTS = [
    ("Dezernat Finanzen, Personal und Organisation", "Dezernat 1"),
    ("Dezernat Recht, Sicherheit und Umweltschutz", "Dezernat 3"),
    ("Dezernat Soziales", "Dezernat 5"),
    ("Dezernat Stadtentwicklung und Bau", "Dezernat 6"),
]
EXTERNAL = [
    ("Polizeidirektion Chemnitz", "PD Chemnitz", "https://www.polizei.sachsen.de/de/pdc.htm"),
    ("Staatsanwaltschaft Chemnitz", "StA Chemnitz", ""),
    ("Landespräventionsrat Sachsen", "LPR Sachsen", "https://www.lpr.sachsen.de/"),
]
# (username, given name, family name, role, organisation short names)
ACCOUNTS = [
    ("rat", "Anna", "Beispiel", roles.COUNCIL_MEMBER, ["DIE LINKE", "Stadtrat"]),
    ("ratsbuero", "Ralf", "Musterbüro", roles.COUNCIL_OFFICE, ["Stadtrat"]),
    ("kpr", "Katrin", "Probe", roles.PREVENTION_OFFICE, ["Dezernat 3"]),
    ("dezernat", "Dieter", "Demo", roles.APPROVER, ["Dezernat 3"]),
]
# Further fictitious council members, one per faction, for memberships and later motions.
COUNCIL_MEMBERS = [
    ("Bernd", "Beispielmann", "DIE LINKE"),
    ("Clara", "Muster", "CDU"),
    ("Erik", "Exempel", "AfD"),
    ("Frieda", "Fiktiv", "SPD"),
    ("Gregor", "Platzhalter", "GRÜNE"),
]


def org(name: str, short_name: str, kind: str, **defaults) -> Organization:
    obj, _created = Organization.objects.get_or_create(
        kind=kind, name=name, defaults={"short_name": short_name, **defaults}
    )
    return obj


def organization_by_short_name(short_name: str) -> Organization:
    return Organization.objects.get(short_name=short_name)


def load(*, stdout) -> None:
    Body.objects.get_or_create(
        ags="14511000",
        defaults={
            "name": "Stadt Chemnitz",
            "short_name": "Chemnitz",
            "website": "https://www.chemnitz.de/",
        },
    )
    # Council terms of the Stadtrat Chemnitz (elections 26.05.2019 and 09.06.2024).
    LegislativeTerm.objects.get_or_create(
        name="Wahlperiode 2019–2024",
        defaults={"start_date": "2019-08-01", "end_date": "2024-07-31"},
    )
    LegislativeTerm.objects.get_or_create(
        name="Wahlperiode 2024–2029", defaults={"start_date": "2024-08-01"}
    )
    Location.objects.get_or_create(
        description="Rathaus Chemnitz, Stadtverordnetensaal",
        defaults={"street_address": "Markt 1", "postal_code": "09111", "locality": "Chemnitz"},
    )
    council = org("Stadtrat Chemnitz", "Stadtrat", Organization.Kind.COUNCIL)
    for name, short in FACTIONS:
        org(name, short, Organization.Kind.FACTION, parent=council)
    for name, short in DEPARTMENTS:
        org(name, short, Organization.Kind.DEPARTMENT)
    law = organization_by_short_name("Dezernat 3")
    org("Stadtordnungsdienst", "SOD", Organization.Kind.DEPARTMENT, parent=law)
    org(
        "Kommunaler Präventionsrat Chemnitz",
        "KPR",
        Organization.Kind.PREVENTION_COUNCIL,
    )
    for name, short, website in EXTERNAL:
        org(name, short, Organization.Kind.EXTERNAL, website=website)

    for given, family, faction in COUNCIL_MEMBERS:
        person = _person(given, family, public=True)
        _membership(person, council)
        _membership(person, organization_by_short_name(faction))

    for username, given, family, role, orgs in ACCOUNTS:
        person = _person(given, family, public=role == roles.COUNCIL_MEMBER)
        if role == roles.COUNCIL_MEMBER:
            _membership(person, council)
            _membership(person, organization_by_short_name(orgs[0]))
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": given,
                "last_name": family,
                "email": f"{username}@demo.invalid",
                "person": person,
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            user.organizations.add(*(organization_by_short_name(short) for short in orgs))

    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={"email": "admin@demo.invalid", "is_staff": True, "is_superuser": True},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])


def _person(given: str, family: str, *, public: bool) -> Person:
    person, _created = Person.objects.get_or_create(
        given_name=given, family_name=family, defaults={"public": public}
    )
    return person


def _membership(person: Person, organization: Organization) -> Membership:
    membership, _created = Membership.objects.get_or_create(
        person=person,
        organization=organization,
        defaults={"role": Membership.Role.MEMBER, "start_date": "2019-08-01"},
    )
    return membership


def accounts_summary() -> list[tuple[str, str]]:
    return [(username, str(roles.ROLES[role])) for username, _g, _f, role, _o in ACCOUNTS] + [
        ("admin", "Administration (Superuser)")
    ]

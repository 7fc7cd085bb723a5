"""Personas around one faction's motion: owner, colleague, other faction, office, department."""

import pytest

from portal import roles
from tests.factories import MotionFactory, OrganizationFactory, PersonFactory


@pytest.fixture
def owner(make_user, faction):
    person = PersonFactory(given_name="Olga", family_name="Owner", public=True)
    return make_user(roles.COUNCIL_MEMBER, organizations=[faction], person=person)


@pytest.fixture
def colleague(make_user, faction):
    person = PersonFactory(given_name="Cora", family_name="Colleague", public=True)
    return make_user(roles.COUNCIL_MEMBER, organizations=[faction], person=person)


@pytest.fixture
def other_faction_member(make_user):
    other = OrganizationFactory(name="Fraktion Andere", kind="faction")
    return make_user(roles.COUNCIL_MEMBER, organizations=[other], person=PersonFactory())


@pytest.fixture
def office(council_office):
    return council_office


@pytest.fixture
def draft(owner, faction):
    motion = MotionFactory(faction=faction, title="Entwurf Radwege", created_by=owner)
    motion.submitters.add(owner.person)
    return motion


@pytest.fixture
def submitted(owner, faction):
    motion = MotionFactory(faction=faction, submitted=True, title="Eingereicht Parks")
    motion.submitters.add(owner.person)
    return motion


@pytest.fixture
def registered(owner, faction, department):
    motion = MotionFactory(
        faction=faction, registered=True, lead_department=department, title="Registriert Licht"
    )
    motion.submitters.add(owner.person)
    return motion


PERSONAS = [
    "owner",
    "colleague",
    "other_faction_member",
    "office",
    "prevention_office",
    "anonymous",
]


@pytest.fixture
def as_persona(client, request):
    """as_persona("colleague") -> the test client logged in as that persona (or anonymous)."""

    def login(name: str):
        client.logout()
        if name != "anonymous":
            client.force_login(request.getfixturevalue(name))
        return client

    return login

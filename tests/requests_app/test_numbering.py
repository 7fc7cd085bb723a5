"""Reference numbers: per kind and year, never twice, even when two registrations race."""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection
from django.utils import timezone

from requests_app.models import Motion, ReferenceCounter
from requests_app.services import motions as services
from tests.factories import MotionFactory, OrganizationFactory


@pytest.mark.django_db
def test_numbers_count_per_kind(office, department, faction):
    year = timezone.localdate().year
    refs = []
    for kind in ["RA", "RA", "BA", "RA", "IA"]:
        motion = MotionFactory(faction=faction, kind=kind, submitted=True)
        refs.append(
            services.motion_register(
                motion=motion, user=office, lead_department=department
            ).reference
        )
    assert refs == [
        f"RA-001/{year}",
        f"RA-002/{year}",
        f"BA-001/{year}",
        f"RA-003/{year}",
        f"IA-001/{year}",
    ]


@pytest.mark.django_db
def test_numbering_continues_after_motions_numbered_elsewhere(office, department, faction):
    year = timezone.localdate().year
    MotionFactory(faction=faction, kind="BA", registered=True, year=year, number=44)
    motion = MotionFactory(faction=faction, kind="BA", submitted=True)
    motion = services.motion_register(motion=motion, user=office, lead_department=department)
    assert motion.reference == f"BA-045/{year}"


@pytest.mark.django_db
def test_database_refuses_a_duplicate_reference(faction):
    MotionFactory(faction=faction, registered=True, kind="RA", year=2026, number=7)
    with pytest.raises(IntegrityError):
        MotionFactory(faction=faction, registered=True, kind="RA", year=2026, number=7)


@pytest.mark.django_db
def test_slug_lookup_finds_the_motion(faction):
    motion = MotionFactory(faction=faction, registered=True, kind="BA", year=2020, number=44)
    assert motion.reference == "BA-044/2020" and motion.public_slug == "ba-044-2020"
    assert Motion.objects.get_by_slug("ba-044-2020") == motion
    for bad in ["ba-44-20", "xx-044-2020", "ba-044-2020-1", ""]:
        with pytest.raises(Motion.DoesNotExist):
            Motion.objects.get_by_slug(bad)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("counter_exists", [False, True], ids=["first-of-year", "later"])
def test_two_simultaneous_registrations_get_different_numbers(make_user, counter_exists):
    """Two threads (two connections) register at the same moment: RA-001 and RA-002."""
    if counter_exists:
        ReferenceCounter.objects.create(kind="RA", year=timezone.localdate().year)
    office = make_user("council_office")
    faction = OrganizationFactory(kind="faction")
    department = OrganizationFactory(kind="department")
    motions = [MotionFactory(faction=faction, submitted=True) for _ in range(2)]
    barrier = threading.Barrier(2)
    results, errors = [], []

    def register(motion):
        try:
            barrier.wait(timeout=10)
            done = services.motion_register(motion=motion, user=office, lead_department=department)
            results.append(done.reference)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()
            close_old_connections()

    threads = [threading.Thread(target=register, args=(m,)) for m in motions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    year = timezone.localdate().year
    assert sorted(results) == [f"RA-001/{year}", f"RA-002/{year}"]

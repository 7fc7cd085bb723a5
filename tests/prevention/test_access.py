"""prevention.access: only the KPR's office changes the council's data, imports indicators and
sees withheld small counts; the services refuse everybody else whatever page they come from."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from portal.concurrency import version_of
from prevention import access, services
from tests.factories import CouncilMeetingFactory

pytestmark = pytest.mark.django_db
HEADER = "district;indicator;period;value;note\n"


def test_only_the_office_sees_withheld_counts(prevention_office, make_user):
    assert access.may_see_withheld(prevention_office)
    assert not access.may_see_withheld(make_user("council_office"))
    assert not access.may_see_withheld(AnonymousUser())


@pytest.mark.parametrize("role", ["council_member", "council_office", "approver"])
def test_services_refuse_other_roles_with_one_german_message(make_user, role):
    meeting = CouncilMeetingFactory(minutes="alt")
    with pytest.raises(PermissionDenied) as refused:
        services.meeting_minutes_save(
            user=make_user(role), meeting=meeting, minutes="neu", version=version_of(meeting)
        )
    assert str(refused.value) == str(access.OFFICE_CHANGES)
    meeting.refresh_from_db()
    assert meeting.minutes == "alt"


def test_the_import_command_needs_no_user_but_a_page_user_must_be_the_office(make_user):
    data = (HEADER + "01;pks.890000;2023;100;\n").encode()
    plan, _batch = services.import_file(data=data, file_name="a.csv", user=None, dry_run=True)
    assert plan is not None
    with pytest.raises(PermissionDenied):
        services.import_batch_preview(data=data, file_name="a.csv", user=make_user("approver"))

import pytest
from django.core.management import CommandError, call_command

from portal.models import Body, Membership, Organization, Person, User


def snapshot():
    """Everything loaddemo creates, with modification times: a second run must change nothing."""
    return {
        model.__name__: sorted(
            (row.pk, getattr(row, "modified", None)) for row in model._default_manager.all()
        )
        for model in (Body, Organization, Person, Membership, User)
    }


@pytest.mark.django_db
def test_loaddemo_creates_city_council_and_accounts(settings, capsys):
    settings.DEBUG = True
    call_command("loaddemo")
    assert Body.objects.get(ags="14511000").name == "Stadt Chemnitz"
    assert Organization.objects.filter(kind="faction").count() >= 4
    assert Organization.objects.filter(name="Fraktion DIE LINKE").exists()
    assert Organization.objects.filter(name="Dezernat Recht, Sicherheit und Umweltschutz").exists()
    for name in (
        "Polizeidirektion Chemnitz",
        "Staatsanwaltschaft Chemnitz",
        "Landespräventionsrat Sachsen",
    ):
        assert Organization.objects.filter(kind="external", name=name).exists()
    rat = User.objects.get(username="rat")
    assert rat.check_password("demo")
    assert rat.has_role("council_member")
    assert rat.organizations.filter(name="Fraktion DIE LINKE").exists()
    for username, role in [
        ("ratsbuero", "council_office"),
        ("kpr", "prevention_office"),
        ("dezernat", "approver"),
    ]:
        assert User.objects.get(username=username).has_role(role)
    assert User.objects.get(username="admin").is_superuser
    output = capsys.readouterr().out
    assert "rat" in output and "Passwort für alle: demo" in output


@pytest.mark.django_db
def test_loaddemo_twice_changes_nothing(settings):
    settings.DEBUG = True
    call_command("loaddemo")
    first = snapshot()
    call_command("loaddemo")
    assert snapshot() == first


@pytest.mark.django_db
def test_loaddemo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("loaddemo")
    assert not User.objects.filter(username="admin").exists()
    call_command("loaddemo", force=True)
    assert User.objects.filter(username="admin").exists()

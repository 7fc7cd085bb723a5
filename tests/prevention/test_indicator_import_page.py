"""The staff upload page: preview first, confirm imports exactly what was previewed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from prevention.models import ImportBatch, IndicatorValue
from prevention.services import import_file

pytestmark = pytest.mark.django_db
URL = "/arbeitsbereich/kennzahlen/import/"
HEADER = "district;indicator;period;value;note\n"


def upload(client, text: str, name: str = "pks.csv"):
    return client.post(URL, {"file": SimpleUploadedFile(name, text.encode(), "text/csv")})


@pytest.fixture
def office(client_as):
    return client_as("prevention_office")


def test_upload_shows_preview_and_changes_nothing(office):
    import_file(data=(HEADER + "01;pks.890000;2023;100;\n").encode(), file_name="alt.csv")
    response = upload(office, HEADER + "01;pks.890000;2023;120;\n02;pks.890000;2023;7;\n")
    batch = ImportBatch.objects.get(file_name="pks.csv")
    assert response.status_code == 302 and response["Location"] == batch.get_absolute_url()
    html = office.get(response["Location"]).content.decode()
    assert "Vorschau" in html
    assert '<td class="text-end import-new">1</td>' in html
    assert '<td class="text-end import-changed">1</td>' in html
    assert "Import ausführen" in html
    assert IndicatorValue.objects.get(district__number="01").value == 100
    assert not IndicatorValue.objects.filter(district__number="02").exists()


def test_confirm_imports_exactly_the_previewed_file(office):
    upload(office, HEADER + "01;pks.890000;2023;120;\n")
    batch = ImportBatch.objects.get()
    response = office.post(batch.get_absolute_url(), follow=True)
    assert "Import ausgeführt: 1 neue und 0 geänderte Werte." in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.IMPORTED
    assert IndicatorValue.objects.get().batch == batch
    # a second confirm does nothing
    response = office.post(batch.get_absolute_url(), follow=True)
    assert "schon abgeschlossen" in response.content.decode()
    assert IndicatorValue.objects.count() == 1


def test_confirm_is_refused_when_data_changed_after_preview(office):
    upload(office, HEADER + "01;pks.890000;2023;120;\n")
    batch = ImportBatch.objects.get()
    import_file(data=(HEADER + "01;pks.890000;2023;99;\n").encode(), file_name="dazwischen.csv")
    response = office.post(batch.get_absolute_url(), follow=True)
    assert "seit der Vorschau geändert" in response.content.decode()
    assert IndicatorValue.objects.get().value == 99
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.PREVIEW


def test_bad_file_lists_every_problem_with_line_number(office):
    response = upload(office, HEADER + "Atlantis;pks.890000;2023;1;\n01;pks.890000;2023;viel;\n")
    html = office.get(response["Location"]).content.decode()
    assert "Die Datei wurde abgelehnt: 2 Probleme" in html
    assert "Zeile 2: Stadtteil „Atlantis“ ist unbekannt." in html
    assert "Zeile 3: „viel“ ist keine Zahl." in html
    assert "Import ausführen" not in html
    assert not IndicatorValue.objects.exists()


def test_form_refuses_wrong_file_type_with_error_summary(office):
    response = upload(office, "kein csv", name="bericht.pdf")
    html = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in html
    assert "Bitte eine CSV-Datei hochladen" in html
    assert not ImportBatch.objects.exists()


def test_form_without_file_shows_error(office):
    response = office.post(URL, {})
    assert "error-summary" in response.content.decode()


def test_reimport_of_same_file_says_nothing_would_change(office):
    text = HEADER + "01;pks.890000;2023;120;\n"
    import_file(data=text.encode(), file_name="erst.csv")
    response = upload(office, text)
    html = office.get(response["Location"]).content.decode()
    assert "Ein Import würde nichts ändern" in html
    assert "Import ausführen" not in html


@pytest.mark.parametrize("role", ["council_member", "council_office", "approver"])
def test_other_roles_cannot_upload_or_confirm(client_as, role):
    _plan, batch = import_file(
        data=(HEADER + "01;pks.890000;2023;1;\n").encode(), file_name="x.csv"
    )
    client = client_as(role)
    assert upload(client, HEADER + "01;pks.890000;2023;5;\n").status_code == 403
    assert client.post(batch.get_absolute_url()).status_code == 403
    assert ImportBatch.objects.count() == 1


def test_the_preview_shows_counts_without_decimals_and_refused_files_without_counts(
    client, make_user
):
    from decimal import Decimal

    from portal import formats
    from prevention.models import ImportBatch

    assert formats.exact(Decimal("270.000")) == "270"
    assert formats.exact(Decimal("12.50")) == "12,5"
    assert formats.exact(Decimal("1847")) == "1.847"
    refused = ImportBatch.objects.create(
        file_name="kaputt.csv", status=ImportBatch.Status.REFUSED, rows_new=1, sha256="0" * 64
    )
    client.force_login(make_user("prevention_office"))
    html = client.get("/arbeitsbereich/kennzahlen/import/").content.decode()
    row = html[html.index(refused.file_name) :].split("</tr>")[0]
    assert '<td class="text-end">–</td>' in row and ">1<" not in row

"""The motion's PDF (Drucksache) as the OParl Paper's mainFile, and File.text (issue 14, issue 18
item 14). Each test names the clause of the OParl 1.1 specification it checks."""

import hashlib

import pytest
from django.utils import timezone

from requests_app.models import Motion
from requests_app.tasks import render_motion_pdf
from tests.factories import AnswerReportFactory, MotionFactory
from tests.oparl.test_conformance import OPARL, age, by_id, get, list_of, path, since

pytestmark = pytest.mark.django_db


@pytest.fixture
def body():
    from portal.models import Body

    return Body.objects.create(name="Stadt Chemnitz", ags="14511000")


@pytest.fixture
def motion():
    motion = MotionFactory(
        submitted=True, title="Licht im Park", questions=["Wie viele Leuchten gibt es?"]
    )
    assert render_motion_pdf.call(motion.pk)["outcome"] == "rendered"
    motion.refresh_from_db()
    return motion


def test_3_paper_main_file_is_the_motion_pdf_and_validates(client, body, motion, oparl_validator):
    paper = get(client, f"/oparl/v1/paper/{motion.pk}")
    main = paper["mainFile"]

    assert not list(oparl_validator(OPARL + "Paper").iter_errors(paper))
    assert not list(oparl_validator(OPARL + "File").iter_errors(main))
    assert main["id"] == f"http://testserver/oparl/v1/paperFile/{motion.pk}"
    assert main["mimeType"] == "application/pdf" and main["size"] == motion.document_size
    assert "Licht im Park" in main["text"] and "Wie viele Leuchten gibt es?" in main["text"]
    assert "paper" not in main  # embedded: no back-reference (§2.5)
    shown = client.get(path(main["accessUrl"]))
    saved = client.get(path(main["downloadUrl"]))
    assert shown.status_code == saved.status_code == 200
    assert saved["Content-Disposition"].startswith("attachment")
    assert f'filename="{main["fileName"]}"' in saved["Content-Disposition"]
    content = b"".join(saved.streaming_content)
    assert hashlib.sha512(content).hexdigest() == main["sha512Checksum"]
    assert hashlib.sha256(shown.content).hexdigest() == motion.document_sha256


def test_3_the_file_on_its_own_names_its_paper_and_shows_the_same_modified(
    client, body, motion, oparl_validator
):
    paper = get(client, f"/oparl/v1/paper/{motion.pk}")
    alone = get(client, paper["mainFile"]["id"])

    assert not list(oparl_validator(OPARL + "File").iter_errors(alone))
    assert alone["paper"] == [paper["id"]]
    assert alone["modified"] == paper["modified"] == paper["mainFile"]["modified"]
    assert alone["id"] in by_id(list_of(client, body, "file"))


def test_2_8_the_paper_is_modified_when_its_main_file_changes(client, body, motion, department):
    age(motion)
    checkpoint = timezone.now()
    assert not by_id(list_of(client, body, "paper", modified_since=since(checkpoint)))

    # Registration gives the reference: the Drucksache is rendered again.
    Motion.objects.filter(pk=motion.pk).update(
        status=Motion.Status.REGISTERED,
        number=7,
        year=2026,
        reference="RA-007/2026",
        registered_at=timezone.now(),
        lead_department=department,
        modified=motion.modified,
    )
    assert render_motion_pdf.call(motion.pk)["outcome"] == "rendered"

    changed = by_id(list_of(client, body, "paper", modified_since=since(checkpoint)))
    paper = changed[f"http://testserver/oparl/v1/paper/{motion.pk}"]
    assert "RA-007/2026" in paper["mainFile"]["text"]
    files = by_id(list_of(client, body, "file", modified_since=since(checkpoint)))
    assert f"http://testserver/oparl/v1/paperFile/{motion.pk}" in files


def test_2_8_a_returned_motions_file_is_a_deleted_stub_and_answers_410(
    client, body, motion, oparl_validator
):
    age(motion)
    checkpoint = timezone.now()
    motion.status, motion.submitted_at = Motion.Status.RETURNED, None
    motion.save()

    url = f"http://testserver/oparl/v1/paperFile/{motion.pk}"
    assert url not in by_id(list_of(client, body, "file"))
    stub = by_id(list_of(client, body, "file", modified_since=since(checkpoint)))[url]
    assert get(client, url) == stub
    assert stub["deleted"] is True and "Licht" not in str(stub)
    assert not list(oparl_validator(OPARL + "File").iter_errors(stub))
    response = client.get(path(stub["accessUrl"]))
    assert response.status_code in (404, 410) and response.json()["type"] == OPARL + "Error"


def test_3_a_report_file_carries_the_text_of_its_pdf(client, body, oparl_validator):
    report = AnswerReportFactory(title="Antwort zum Licht", publish=True, pdf=True)
    assert report.pdf_status == "done"

    data = get(client, f"/oparl/v1/reportFile/{report.pk}")

    assert not list(oparl_validator(OPARL + "File").iter_errors(data))
    assert "Antwort zum Licht" in " ".join(data["text"].split())

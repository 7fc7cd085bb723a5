"""The motion as a document (Drucksache, issue 14): a tagged PDF rendered by the task path when
a motion is submitted, rendered again when what it shows changes, served publicly with its
SHA-256 as ETag, never for a motion that is not public."""

import hashlib
from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from pypdf import PdfReader

from portal.pdf import pdf_text
from requests_app.models import Motion
from requests_app.services import motions as services
from requests_app.tasks import render_motion_pdf
from tests.factories import MotionFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _url(motion: Motion) -> str:
    return reverse("requests_app:motion_document", kwargs={"slug": motion.public_slug})


@pytest.fixture
def ready(owner, faction):
    """A draft with everything a Drucksache shows."""
    motion = MotionFactory(
        faction=faction,
        kind=Motion.Kind.BA,
        title="Mehr Licht im Stadthallenpark",
        text="Der Stadtrat möge beschließen: **mehr Licht**.",
        reasoning="Viele Bürgerinnen meiden den Park am Abend.",
        questions=["Wie viele Leuchten gibt es?", "Wann werden neue aufgestellt?"],
        created_by=owner,
    )
    motion.submitters.add(owner.person)
    return motion


def _submit(motion, owner, commit) -> Motion:
    with commit():
        services.motion_submit(motion=motion, user=owner)
    return Motion.objects.get(pk=motion.pk)


def test_submission_renders_a_tagged_pdf_with_everything_the_motion_says(ready, owner, commit):
    motion = _submit(ready, owner, commit)

    assert motion.document_file and motion.document_sha256
    with default_storage.open(motion.document_file.name, "rb") as stored:
        pdf = stored.read()
    assert hashlib.sha256(pdf).hexdigest() == motion.document_sha256
    assert hashlib.sha512(pdf).hexdigest() == motion.document_sha512
    assert motion.document_size == len(pdf)
    catalog = PdfReader(BytesIO(pdf)).trailer["/Root"]  # tagged PDF/UA-1, as the reports
    assert "/StructTreeRoot" in catalog and catalog["/MarkInfo"]["/Marked"]
    assert catalog["/Lang"] == "de"
    assert b"pdfuaid:part" in catalog["/Metadata"].get_object().get_data()
    text = pdf_text(pdf)
    for expected in (
        "Mehr Licht im Stadthallenpark",
        "Beschlussantrag",
        "Fraktion Test",
        "Olga Owner",
        "mehr Licht",
        "Wie viele Leuchten gibt es?",
        "Wann werden neue aufgestellt?",
        "Viele Bürgerinnen meiden den Park am Abend.",
        "Drucksache (noch ohne Nummer)",
    ):
        assert expected in " ".join(text.split()), expected
    assert "Beispieldaten" not in text
    # The stored text (OParl File.text) says what the PDF says: it is taken from the HTML the
    # PDF was rendered from, so it lacks only the page furniture ("Seite 1 von 1").
    stored = " ".join(motion.document_text.split())
    assert "Seite 1 von 1" in " ".join(text.split()) and "Seite" not in stored
    for expected in ("Mehr Licht im Stadthallenpark", "Olga Owner", "Wie viele Leuchten gibt es?"):
        assert expected in stored, expected
    pdf_words, stored_words = set(text.split()), set(stored.split())
    assert len(stored_words - pdf_words) <= len(stored_words) // 10, stored_words - pdf_words


def test_the_public_url_serves_it_with_its_hash_as_etag(ready, owner, commit, client):
    motion = _submit(ready, owner, commit)

    response = client.get(_url(motion))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["ETag"] == f'"{motion.document_sha256}"'
    assert hashlib.sha256(response.content).hexdigest() == motion.document_sha256
    assert f"drucksache-{motion.public_slug}.pdf" in response["Content-Disposition"]
    again = client.get(_url(motion), headers={"if-none-match": response["ETag"]})
    assert again.status_code == 304


def test_the_motion_page_links_the_pdf(ready, owner, commit, client):
    motion = _submit(ready, owner, commit)

    page = client.get(motion.get_absolute_url())

    assert page.status_code == 200
    assert f'href="{_url(motion)}"' in page.content.decode()


def test_registration_renders_again_with_the_reference(ready, owner, office, department, commit):
    motion = _submit(ready, owner, commit)
    first_file, first_hash = motion.document_file.name, motion.document_sha256

    with commit():
        services.motion_register(motion=motion, user=office, lead_department=department)
    motion.refresh_from_db()

    assert motion.document_sha256 != first_hash
    assert motion.reference and motion.reference in motion.document_text
    assert f"Drucksache {motion.reference}" in motion.document_text
    assert not default_storage.exists(first_file)  # the replaced file is gone
    assert default_storage.exists(motion.document_file.name)


def test_a_status_change_the_document_does_not_show_keeps_the_pdf(ready, owner, commit, client):
    motion = _submit(ready, owner, commit)
    before = (motion.document_file.name, motion.document_sha256, motion.modified)

    with commit():
        services.motion_withdraw(motion=motion, user=owner)
    motion.refresh_from_db()

    assert (motion.document_file.name, motion.document_sha256) == before[:2]
    assert client.get(_url(motion)).status_code == 200  # withdrawn motions stay public
    # Running the task again changes nothing (at-least-once delivery).
    assert render_motion_pdf.call(motion.pk) == {"outcome": "skipped", "reason": "up to date"}


def test_a_returned_motion_is_gone_and_resubmission_renders_the_new_text(
    ready, owner, office, commit, client
):
    motion = _submit(ready, owner, commit)
    url, old_file = _url(motion), motion.document_file.name

    with commit():
        services.motion_return(motion=motion, user=office, reason="Bitte genauer fassen.")
    assert client.get(url).status_code == 410  # as the motion page: it was public once
    assert client.get(motion.get_absolute_url()).status_code == 410

    motion.refresh_from_db()
    with commit():
        services.motion_update(
            motion=motion,
            user=owner,
            version=motion.version,
            kind=motion.kind,
            title=motion.title,
            text="Neuer Antragstext nach der Rückgabe.",
            reasoning=motion.reasoning,
            questions=["Wie viele Leuchten gibt es heute?"],
        )
    motion = _submit(motion, owner, commit)

    assert "Neuer Antragstext nach der Rückgabe." in motion.document_text
    assert "Wie viele Leuchten gibt es heute?" in motion.document_text
    assert not default_storage.exists(old_file)
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("state", ["draft", "confidential"])
def test_never_for_a_motion_that_was_never_public(state, faction, department, client):
    if state == "draft":
        motion = MotionFactory(faction=faction)
    else:
        motion = MotionFactory(
            faction=faction, registered=True, confidential=True, lead_department=department
        )

    assert render_motion_pdf.call(motion.pk)["outcome"] == "skipped"
    motion.refresh_from_db()
    assert not motion.document_file
    assert client.get(_url(motion)).status_code == 404


def test_a_confidential_motion_with_an_old_pdf_never_serves_it(
    ready, owner, office, department, commit, client
):
    motion = _submit(ready, owner, commit)
    with commit():
        services.motion_register(
            motion=motion, user=office, lead_department=department, confidential=True
        )
    motion.refresh_from_db()
    assert motion.document_file  # the file of its public time is kept, but never served

    assert client.get(_url(motion)).status_code == 404  # confidential: not even "gone"


def test_an_unknown_or_malformed_slug_is_404(client):
    for slug in ("ra-999-2099", "eingang-999999", "nichts"):
        assert client.get(reverse("requests_app:motion_document", args=[slug])).status_code == 404


def test_the_intake_address_redirects_after_registration(
    ready, owner, office, department, commit, client
):
    motion = _submit(ready, owner, commit)
    intake = _url(motion)
    with commit():
        services.motion_register(motion=motion, user=office, lead_department=department)
    motion.refresh_from_db()

    response = client.get(intake)

    assert response.status_code == 302
    assert response["Location"] == _url(motion)


def test_only_public_submitters_are_named(ready, owner, commit, faction):
    hidden = PersonFactory(given_name="Heimlich", family_name="Person", public=False)
    ready.submitters.add(hidden)

    motion = _submit(ready, owner, commit)

    assert "Olga Owner" in motion.document_text
    assert "Heimlich" not in motion.document_text


def test_demo_motion_pdfs_are_downloadable_and_marked(demo, client):
    ba044 = Motion.objects.get(reference="BA-044/2020")
    fictitious = Motion.objects.published().exclude(pk=ba044.pk).filter(confidential=False)

    response = client.get(_url(ba044))
    assert response.status_code == 200
    text = " ".join(pdf_text(response.content).split())
    assert "Drucksache BA-044/2020" in text
    assert "Beispieldaten – fiktiver Antrag" not in text.split("Antragstext")[0]
    for motion in fictitious:
        assert motion.document_sha256, motion
        head = " ".join(motion.document_text.split()).split("Antragstext")[0]
        assert "Beispieldaten" in head, motion  # the demo marker on top
    for motion in Motion.objects.exclude(pk__in=Motion.objects.published().values("pk")):
        assert client.get(_url(motion)).status_code in (404, 410), motion

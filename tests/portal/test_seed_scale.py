"""manage.py seed_scale: deterministic scale data at tiny sizes; a second run is refused."""

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.models import Meeting, Organization
from prevention.models import District, Indicator, IndicatorValue
from requests_app.models import Answer, AnswerReport, Motion, Question

TINY = ["--motions", "50", "--reports", "12", "--meetings", "7", "--years", "3"]
TINY += ["--indicators", "2"]


def snapshot():
    return (
        list(Motion.all_objects.order_by("pk").values_list("reference", "title", "status")),
        list(Question.objects.order_by("pk").values_list("text", flat=True)),
        list(AnswerReport.all_objects.order_by("pk").values_list("slug", "content_sha256")),
    )


@pytest.mark.django_db
def test_seed_scale_creates_the_requested_amounts(settings):
    settings.DEBUG = True
    call_command("seed_scale", *TINY, stdout=None)
    assert Motion.all_objects.count() == 50
    assert Question.objects.count() >= 50
    published = AnswerReport.objects.published()
    assert published.count() == 12
    assert Answer.objects.count() == Question.objects.filter(motion__reports__isnull=False).count()
    assert Meeting.objects.count() == 7
    places = District.objects.count() + 1  # every district and the whole city
    assert IndicatorValue.objects.filter(indicator__key__startswith="skalierung.").count() == (
        2 * places * 3
    )


@pytest.mark.django_db
def test_seeded_report_and_its_pdf_are_public(settings, client):
    settings.DEBUG = True
    call_command("seed_scale", *TINY)
    report = AnswerReport.objects.published().first()
    pdf = client.get(reverse("requests_app:report_pdf", args=[report.slug]))
    assert pdf.status_code == 200
    assert pdf.getvalue().startswith(b"%PDF-")


@pytest.mark.django_db
def test_second_run_is_refused_and_changes_nothing(settings):
    settings.DEBUG = True
    call_command("seed_scale", *TINY)
    before = snapshot()
    with pytest.raises(CommandError, match="schon angelegt"):
        call_command("seed_scale", *TINY)
    assert snapshot() == before


@pytest.mark.django_db
def test_same_seed_gives_the_same_data(settings):
    settings.DEBUG = True
    call_command("seed_scale", *TINY, "--seed", "3")
    first = snapshot()
    Answer.objects.all().delete()
    AnswerReport.all_objects.all().delete()
    Question.objects.all().delete()
    Motion.all_objects.all().delete()
    Meeting.all_objects.all().delete()
    IndicatorValue.objects.filter(indicator__key__startswith="skalierung.").delete()
    Indicator.all_objects.filter(key__startswith="skalierung.").delete()
    seeded = Organization.all_objects.filter(name__endswith="(Skalierungsdaten)")
    seeded.filter(parent__isnull=False).delete()
    seeded.delete()
    call_command("seed_scale", *TINY, "--seed", "3")
    assert snapshot() == first


@pytest.mark.django_db
def test_refused_with_debug_off_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_scale", *TINY)
    assert Motion.all_objects.count() == 0

"""Media in S3-compatible object storage (MEDIA_S3_BUCKET): the report PDF is written by the
task and downloaded by citizens through the portal, with moto standing in for the S3 service."""

import boto3
import pytest
from moto import mock_aws

from tests.factories import AnswerReportFactory
from tests.portal.test_settings import PRODUCTION, manage

BUCKET = "ratsportal-media"

pytestmark = pytest.mark.django_db


@pytest.fixture
def s3_storage(settings, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "eu-central-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="eu-central-1")
        client.create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
        )
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "storages.backends.s3.S3Storage",
                "OPTIONS": {"bucket_name": BUCKET, "default_acl": "private"},
            },
        }
        yield client


def test_a_report_pdf_lives_in_the_bucket_and_downloads_through_the_portal(client, s3_storage):
    report = AnswerReportFactory(publish=True, pdf=True)
    keys = [o["Key"] for o in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [report.pdf_file.name]
    stored = s3_storage.get_object(Bucket=BUCKET, Key=report.pdf_file.name)["Body"].read()

    response = client.get(report.get_pdf_url())
    assert response.status_code == 200
    assert response.getvalue() == stored
    assert stored.startswith(b"%PDF")


def test_the_bucket_is_configured_from_the_environment():
    code = (
        "from django.conf import settings; d = settings.STORAGES['default']; "
        "print(d['BACKEND'], d['OPTIONS']['bucket_name'], d['OPTIONS']['endpoint_url'])"
    )
    result = manage(
        "shell",
        "-c",
        code,
        MEDIA_S3_BUCKET="ratsportal",
        MEDIA_S3_ENDPOINT_URL="https://s3.stadt.example",
        **PRODUCTION,
    )
    assert result.stdout.split()[-3:] == [
        "storages.backends.s3.S3Storage",
        "ratsportal",
        "https://s3.stadt.example",
    ]

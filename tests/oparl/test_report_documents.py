"""Documents answered with a report are auxiliaryFiles of the report's Paper (issue 15), valid
Files, served as attachment by their download URL, and deleted stubs once the report left the
public (§2.8)."""

from urllib.parse import urlsplit

import pytest

from portal.models import Body
from requests_app.models import AnswerReport
from tests.factories import AnswerReportFactory
from tests.requests_app.test_report_documents import LETTER, published_document

pytestmark = pytest.mark.django_db
OPARL = "https://schema.oparl.org/1.1/"


def test_report_documents_are_valid_auxiliary_files_until_the_report_goes(client, oparl_validator):
    body = Body.objects.create(name="Stadt Chemnitz", ags="14511000")
    report = AnswerReportFactory(publish=True)
    published_document(report)

    paper = client.get(f"/oparl/v1/report/{report.pk}").json()
    assert not list(oparl_validator(OPARL + "Paper").iter_errors(paper))
    [aux] = paper["auxiliaryFile"]
    assert aux["name"] == "Lagebild der Polizeidirektion"
    assert aux["fileName"] == "Lagebild der Polizeidirektion.pdf"
    download = client.get(urlsplit(aux["downloadUrl"]).path)
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == LETTER
    standalone = client.get(urlsplit(aux["id"]).path).json()
    assert not list(oparl_validator(OPARL + "File").iter_errors(standalone))
    assert standalone["paper"] == [paper["id"]]
    listed = client.get(f"/oparl/v1/body/{body.pk}/file").json()["data"]
    assert aux["id"] in [item["id"] for item in listed]

    AnswerReport.all_objects.filter(pk=report.pk).update(deleted=True)
    stub = client.get(urlsplit(aux["id"]).path).json()
    assert stub["deleted"] is True and "name" not in stub
    assert not list(oparl_validator(OPARL + "File").iter_errors(stub))
    assert client.get(urlsplit(aux["downloadUrl"]).path).status_code == 410

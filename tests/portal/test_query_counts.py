"""Pages rendered without the page cache stay cheap (issue 20): figures, charts and large
tables are computed once per version of the data and shared, and are never stale after a write.

"Without the page cache" is what a logged-in visitor, a visitor with a cookie the page cache
does not know, or the first visitor after a write gets: the view runs every time."""

import pytest
from django.urls import reverse

from prevention.models import District
from prevention.services import import_file
from tests.factories import MotionFactory

pytestmark = pytest.mark.django_db


def district_url() -> str:
    return District.objects.get(number="01").get_absolute_url()


def indicator_url() -> str:
    return reverse("prevention:indicator_detail", args=["pks.890000"])


def import_count(value: int) -> None:
    plan, _batch = import_file(
        data=f"district;indicator;period;value;note\n01;pks.890000;2023;{value};\n".encode(),
        file_name="neu.csv",
    )
    assert plan.ok


@pytest.mark.parametrize("url", [district_url, indicator_url], ids=["district", "indicator"])
def test_statistics_pages_load_their_figures_once_per_data_version(
    uncached, url, django_assert_max_num_queries
):
    import_count(4712)
    first = uncached.get(url())
    assert first.status_code == 200
    # the second view reads the page's own row (district or indicator), nothing else
    with django_assert_max_num_queries(2):
        second = uncached.get(url())
    assert second.content == first.content


def test_a_district_page_is_never_stale_after_an_import(uncached):
    import_count(4712)
    assert "4.712" in uncached.get(district_url()).text
    import_count(5813)
    page = uncached.get(district_url()).text
    assert "5.813" in page
    assert "4.712" not in page


def test_the_indicator_table_is_never_stale_after_an_import(uncached):
    url = indicator_url() + "?darstellung=anzahl"
    import_count(4712)
    assert "4.712" in uncached.get(url).text
    import_count(5813)
    page = uncached.get(url).text
    assert "5.813" in page
    assert "4.712" not in page


def test_the_indicator_table_follows_the_chosen_display(uncached):
    """Counts and rates are two fragments: choosing one never shows the other's table."""
    import_count(4712)
    counts = uncached.get(indicator_url() + "?darstellung=anzahl").text
    rates = uncached.get(indicator_url() + "?darstellung=hz").text
    assert "Werte nach Stadtteil und Jahr" in counts
    assert "Werte nach Stadtteil und Jahr" not in rates


def test_english_visitors_get_the_english_fragment(uncached):
    import_count(4712)
    german = uncached.get(district_url()).text
    uncached.cookies["django_language"] = "en"
    english = uncached.get(district_url()).text
    assert 'lang="en"' in english
    assert german != english


def test_a_publication_leaves_the_district_figures_in_the_cache(
    uncached, django_assert_max_num_queries
):
    import_count(4712)
    uncached.get(district_url())
    MotionFactory(registered=True, title="Licht im Park")
    with django_assert_max_num_queries(2):
        assert uncached.get(district_url()).status_code == 200


def test_the_home_page_keeps_its_city_figures_per_data_version(
    uncached, django_assert_max_num_queries
):
    import_count(4712)
    uncached.get("/")
    # open motions, next meetings (both depend on the clock) and the newest reports' version
    with django_assert_max_num_queries(3):
        assert uncached.get("/").status_code == 200

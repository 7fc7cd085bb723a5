"""The page frame (templates/base.html): what every page shows alike is rendered once per
process and language ({% render_once %}), what differs by page, visitor or language never is."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.urls import reverse

pytestmark = pytest.mark.django_db

MOTIONS_LINK = f'href="{reverse("requests_app:motion_list")}" aria-current="page"'
HOME_LINK = f'href="{reverse("ratsportal:home")}" aria-current="page"'
LOAD = "{% load portal_tags %}"


def test_the_navigation_marks_the_section_of_each_page(client):
    assert HOME_LINK in client.get("/").text
    motions = client.get(reverse("requests_app:motion_list")).text
    assert MOTIONS_LINK in motions and HOME_LINK not in motions
    assert HOME_LINK in client.get("/").text


def test_the_frame_shows_each_visitor_their_own_links(client, make_user):
    assert "Anmelden" in client.get("/").text
    client.force_login(make_user())
    page = client.get("/").text
    assert "Abmelden" in page and "Anmelden" not in page
    client.logout()
    assert "Abmelden" not in client.get("/").text


def test_the_language_switch_returns_to_the_page_it_was_on(client):
    assert 'name="next" value="/"' in client.get("/").text
    url = reverse("requests_app:motion_list") + "?art=RA"
    assert f'name="next" value="{url}"' in client.get(url).text


def test_the_frame_follows_the_language(client):
    assert ">Anträge</a>" in client.get("/").text
    client.cookies["django_language"] = "en"
    page = client.get("/").text
    assert ">Motions</a>" in page and ">Anträge</a>" not in page
    assert 'value="de" lang="de"' in page  # the switch offers German


def test_render_once_holds_no_block():
    with pytest.raises(TemplateSyntaxError):
        Template(LOAD + "{% render_once %}{% block x %}{% endblock %}{% endrender_once %}")


def test_render_once_renders_apart_per_value_named():
    template = Template(LOAD + "{% render_once name %}{{ name }}{% endrender_once %}")
    assert template.render(Context({"name": "a"})) == "a"
    assert template.render(Context({"name": "b"})) == "b"

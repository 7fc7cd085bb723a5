"""Hostile input in every text field of a motion never reaches a page as markup."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from requests_app.services import motions as services

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[klick](javascript:alert(1))",
    "[klick](JaVaScRiPt:alert(1))",
    "[klick](data:text/html;base64,PHNjcmlwdD4=)",
    "![bild](https://tracker.example/p.gif)",
    '<a href="#" onclick="alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>",
    '<svg onload="alert(1)"></svg>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


class MarkupProblems(HTMLParser):
    """Collects every element or attribute in a page that could run script or load foreign data."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in {"iframe", "svg", "style", "object", "embed"}:
            self.problems.append(tag)
        if tag == "script" and not (attributes.get("src") or "").startswith("/static/"):
            self.problems.append("inline script")
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in {"href", "src"} and value.startswith(("javascript:", "data:text")):
                self.problems.append(f"{tag}[{name}={value}]")
            if tag == "img" and name == "src" and not value.startswith(("/static/", "data:")):
                self.problems.append(f"img[src={value}]")


def markup_problems(html: str) -> list[str]:
    parser = MarkupProblems()
    parser.feed(html)
    return parser.problems


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_markdown_is_neutralised_everywhere(payload, owner, office, department, client):
    motion = services.motion_create(
        user=owner,
        faction=owner.organizations.get(),
        kind="RA",
        title=f"Titel {payload}",
        text=f"Text {payload}",
        reasoning=f"Begründung {payload}",
        questions=[f"Frage {payload}"],
    )
    services.motion_submit(motion=motion, user=owner)
    services.motion_register(motion=motion, user=office, lead_department=department)
    services.motion_withdraw(motion=motion, user=owner, comment=payload)
    motion.refresh_from_db()
    pages = [
        client.get(motion.get_absolute_url()),
        client.get(reverse("requests_app:motion_list")),
    ]
    client.force_login(owner)
    pages += [
        client.get(motion.get_workspace_url()),
        client.get(reverse("ratsportal:workspace")),
        client.get(reverse("requests_app:motion_create")),
    ]
    for response in pages:
        assert response.status_code == 200
        assert markup_problems(response.content.decode()) == [], response.request["PATH_INFO"]


def test_the_checker_notices_hostile_markup():
    assert markup_problems('<p onclick="x">a</p><script>1</script><a href=" JavaScript:x">') == [
        "p[onclick]",
        "inline script",
        "a[href=javascript:x]",
    ]


def test_hostile_reason_of_the_office_is_escaped(submitted, office, owner, client):
    services.motion_return(motion=submitted, user=office, reason="<script>alert(1)</script>")
    client.force_login(owner)
    html = client.get(submitted.get_workspace_url()).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert markup_problems(html) == []

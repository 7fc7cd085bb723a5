"""Figures cited in answer texts (issue 16): a sentence names the figure, the data supplies it.

An answer (or the report's summary) may write

* ``[[kennzahl:pks.890000:zentrum:2019]]`` – the indicator's value for a district (its slug, or
  ``stadt`` for the whole city) in a year, as the public pages show it;
* ``[[hz:pks.890000:zentrum:2019]]`` – its Häufigkeitszahl (cases per 100,000 inhabitants).

`resolve()` replaces them with the formatted figure before the text becomes HTML. Values that
are withheld from the public (small counts, prevention/suppression.py) appear as "." exactly
like in the tables. The report's content is frozen at approval (requests_app/snapshots.py), so
a published sentence can never contradict its own exhibit. `problems()` names bad tokens with a
German message; the report form refuses to save them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from portal import formats
from prevention import figures, stats
from prevention.models import District, Indicator

TOKEN_RE = re.compile(r"\[\[(kennzahl|hz):([^\[\]\n]{1,200})\]\]")
CITY = "stadt"
WITHHELD = "."


class CitationError(ValueError):
    pass


@dataclass(frozen=True)
class Citation:
    kind: str
    indicator: Indicator
    district: District | None
    year: int


def _parse(kind: str, arguments: str) -> Citation:
    parts = [part.strip() for part in arguments.split(":")]
    if len(parts) != 3:
        raise CitationError(
            _("„[[%(kind)s:%(arguments)s]]“: erwartet werden Kennzahl, Stadtteil und Jahr.")
            % {"kind": kind, "arguments": arguments}
        )
    key, place, year_text = parts
    indicator = Indicator.objects.filter(key=key).first()
    if indicator is None:
        raise CitationError(_("Die Kennzahl „%(key)s“ gibt es nicht.") % {"key": key})
    if kind == "hz" and not indicator.per_100k:
        raise CitationError(
            _("Für „%(key)s“ gibt es keine Häufigkeitszahl; bitte [[kennzahl:…]] verwenden.")
            % {"key": key}
        )
    district = None
    if place.lower() != CITY:
        district = District.objects.filter(slug=place.lower()).first()
        if district is None:
            raise CitationError(
                _(
                    "Den Stadtteil „%(place)s“ gibt es nicht (Kurzname wie in der Adresse "
                    "/stadtteile/…/ oder „stadt“ für die ganze Stadt)."
                )
                % {"place": place}
            )
    if not (year_text.isdigit() and len(year_text) == 4):
        raise CitationError(_("„%(year)s“ ist kein Jahr.") % {"year": year_text})
    return Citation(kind, indicator, district, int(year_text))


class _Figures:
    """Values looked up once per indicator and year while one text is resolved."""

    def __init__(self):
        self._datasets: dict[tuple[int, int], stats.DataSet] = {}
        self._districts: list[District] | None = None

    def figure(self, citation: Citation) -> stats.Figure:
        key = (citation.indicator.pk, citation.year)
        if key not in self._datasets:
            self._datasets[key] = stats.load_dataset([citation.indicator], years=[citation.year])
        if self._districts is None:
            self._districts = list(District.objects.order_by("number"))
        return self._datasets[key].figure(
            citation.indicator, citation.district, citation.year, districts=self._districts
        )


def _shown(citation: Citation, figure: stats.Figure) -> str:
    indicator = citation.indicator
    number = figure.rate if citation.kind == "hz" else figure.value
    if figure.withheld and number is None:
        return WITHHELD
    if number is None:
        return _("(kein Wert für %(year)s)") % {"year": citation.year}
    if citation.kind == "hz":
        return formats.number(number, 0)
    text = formats.number(number, figures.measure_places(indicator))
    return f"{text} %" if indicator.kind == Indicator.Kind.PERCENT else text


def resolve(text: str) -> str:
    """`text` with every token replaced by its figure; a token that no longer fits the data
    (an indicator removed since) says so instead of showing a number."""
    if "[[" not in text:
        return text
    found = _Figures()

    def replace(match: re.Match) -> str:
        try:
            citation = _parse(match.group(1), match.group(2))
        except CitationError:
            return _("[Angabe nicht verfügbar]")
        return _shown(citation, found.figure(citation))

    return TOKEN_RE.sub(replace, text)


def problems(text: str) -> list[str]:
    """German messages for the tokens of `text` that name no figure."""
    messages = []
    for match in TOKEN_RE.finditer(text or ""):
        try:
            _parse(match.group(1), match.group(2))
        except CitationError as error:
            messages.append(str(error))
    return messages

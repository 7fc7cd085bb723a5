"""Forms of the public discovery pages: search and e-mail alerts. They only validate."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ratsportal.search import engine as search


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Suchbegriff"), max_length=200, required=False)
    typ = forms.ChoiceField(label=_("Art"), required=False)
    jahr = forms.IntegerField(
        label=_("Jahr"), required=False, min_value=1990, max_value=2100, widget=forms.Select
    )
    sortierung = forms.ChoiceField(
        label=_("Sortierung"), required=False, choices=list(search.ORDERS.items())
    )

    def __init__(self, *args, years: list[tuple[int, int]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update({"autocomplete": "off"})
        self.fields["q"].widget.input_type = "search"
        self.fields["typ"].choices = [("", _("alle Arten")), *search.active_groups().items()]
        self.offer_years(years)

    def offer_years(self, years: list[tuple[int, int | None]]) -> None:
        """The year filter's choices: (year, matches or None). Any year validates."""
        choices = [("", _("alle Jahre"))] + [
            (year, str(year) if count is None else f"{year} ({count})") for year, count in years
        ]
        chosen = self.data.get("jahr") if self.is_bound else None
        if chosen and chosen.isdigit() and len(chosen) <= 4 and int(chosen) not in dict(years):
            choices.append((int(chosen), chosen))  # keep the user's choice visible
        self.fields["jahr"].widget.choices = choices

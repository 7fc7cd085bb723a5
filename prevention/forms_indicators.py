"""Forms of the indicator pages (issue 5): the CSV upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from prevention.importers import MAX_FILE_BYTES


class IndicatorImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV-Datei"),
        help_text=_(
            "Spalten district, indicator, period, value und optional note; Trennzeichen "
            "Semikolon oder Komma; UTF-8 oder Windows-1252. Höchstens 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("Die Datei ist größer als %(mb)s MB."), params={"mb": MAX_FILE_BYTES // 2**20}
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(
                _("Bitte eine CSV-Datei hochladen (Endung .csv oder .txt).")
            )
        self.cleaned_data["data"] = upload.read()
        return upload

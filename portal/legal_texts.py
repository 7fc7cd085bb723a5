"""Starting texts of the legal pages. Operators edit them in the admin (Rechtliche Seiten); the
admin's list of the pages shows a checklist of what each page must state for the operator's
site (`OPERATOR_CHECKLIST`), and `check --deploy --database default` names pages still at their
starting text. The public never sees a placeholder."""

from django.core import checks
from django.utils.translation import gettext_lazy as _

IMPRINT = """\
## Anbieter

Stadt Chemnitz
Markt 1
09111 Chemnitz

Die Stadt Chemnitz ist eine Körperschaft des öffentlichen Rechts. Sie wird vertreten durch die
Oberbürgermeisterin bzw. den Oberbürgermeister.

## Verantwortlich für den Inhalt

Geschäftsstelle des Kommunalen Präventionsrates Chemnitz, Dezernat Recht, Sicherheit und
Umweltschutz, erreichbar unter der oben genannten Anschrift.

## Hinweis zu den Beispieldaten

Diese Installation enthält Beispieldaten. Zahlen, die als „Beispieldaten – keine amtlichen
Zahlen“ gekennzeichnet sind, sind erfunden und dürfen nicht zitiert werden.
"""

PRIVACY = """\
## Verantwortliche Stelle

Stadt Chemnitz, Markt 1, 09111 Chemnitz. Die oder den behördlichen Datenschutzbeauftragten
erreichen Sie unter derselben Anschrift mit dem Zusatz „Datenschutzbeauftragte/r“.

## Welche Daten verarbeitet werden

- **Besuch der Website:** Der Webserver verarbeitet die IP-Adresse, Datum und Uhrzeit, die
  aufgerufene Adresse und den Browsertyp, um die Seiten auszuliefern und Angriffe abzuwehren
  (Art. 6 Abs. 1 lit. e DSGVO). Es werden keine Analyse- oder Werbedienste eingesetzt und keine
  Inhalte Dritter nachgeladen.
- **Anmeldung:** Für Ratsmitglieder und Beschäftigte der Verwaltung wird ein technisch notwendiges
  Sitzungs-Cookie gesetzt. Fehlgeschlagene Anmeldeversuche werden mit IP-Adresse gespeichert, um
  Konten vor dem Erraten von Passwörtern zu schützen.
- **Sprachwahl:** Wer die Sprache wechselt, erhält ein Cookie, das die gewählte Sprache speichert.
- **E-Mail-Benachrichtigungen:** Wer eine Benachrichtigung bestellt, gibt seine E-Mail-Adresse
  an (Einwilligung, Art. 6 Abs. 1 lit. a DSGVO). Gespeichert werden nur die Adresse, das Thema
  und die Zeitpunkte von Bestellung, Bestätigung und letzter Bestätigungs-E-Mail. Eine nicht
  bestätigte Adresse wird nach einer Woche gelöscht; wer abbestellt (Link in jeder E-Mail),
  dessen Adresse wird sofort gelöscht. Um Missbrauch zu verhindern, wird die IP-Adresse einer
  Bestellung höchstens eine Stunde lang gezählt, nicht gespeichert.

## Ihre Rechte

Sie haben das Recht auf Auskunft, Berichtigung, Löschung, Einschränkung der Verarbeitung und
Widerspruch sowie das Recht auf Beschwerde bei der Sächsischen Datenschutz- und
Transparenzbeauftragten.
"""

ACCESSIBILITY = """\
Die Stadt Chemnitz ist bemüht, ihre Websites im Einklang mit dem Barrierefreie-Websites-Gesetz
des Freistaates Sachsen (BfWebG) und der Barrierefreie-Informationstechnik-Verordnung (BITV 2.0)
barrierefrei zugänglich zu machen. Diese Erklärung gilt für das Ratsportal Prävention.

## Stand der Vereinbarkeit mit den Anforderungen

Diese Website ist mit den Anforderungen der WCAG 2.1 auf Stufe AA weitgehend vereinbar. Jeder
Seitentyp wird bei jeder Änderung automatisiert mit axe-core geprüft und ist mit der Tastatur
bedienbar. Diagramme haben eine Textzusammenfassung und eine Datentabelle.

## Nicht barrierefreie Inhalte

- Ältere PDF-Anlagen, die nicht im Portal erzeugt wurden, sind unter Umständen nicht
  barrierefrei. Die im Portal erzeugten Antwortberichte sind getaggte PDF-Dokumente (PDF/UA-1).

## Erstellung dieser Erklärung

Diese Erklärung wurde auf Grundlage einer Selbstbewertung erstellt.

## Feedback und Kontakt

Sind Ihnen Mängel beim barrierefreien Zugang aufgefallen? Dann wenden Sie sich bitte an die
im Impressum genannte verantwortliche Stelle.

## Durchsetzungsverfahren

Wenn Sie auf Ihre Rückmeldung keine zufriedenstellende Antwort erhalten, können Sie sich an die
Durchsetzungsstelle beim Beauftragten der Sächsischen Staatsregierung für die Belange von
Menschen mit Behinderungen wenden.
"""

PAGES = {
    "impressum": ("Impressum", IMPRINT),
    "datenschutz": ("Datenschutzerklärung", PRIVACY),
    "barrierefreiheit": ("Erklärung zur Barrierefreiheit", ACCESSIBILITY),
}

# What the operator must check or add on each page before going live (shown in the admin).
OPERATOR_CHECKLIST = {
    "impressum": [
        _("Anschrift, vertretungsberechtigte Person, E-Mail-Adresse und Telefon (§ 5 DDG)"),
        _("die für den Inhalt verantwortliche Stelle mit Kontakt (§ 18 MStV)"),
    ],
    "datenschutz": [
        _("Kontakt der oder des behördlichen Datenschutzbeauftragten"),
        _("Speicherfristen der Server-Protokolle und Auftragsverarbeiter (Hosting, Mailserver)"),
    ],
    "barrierefreiheit": [
        _("Datum der Erklärung und der letzten Prüfung"),
        _("Kontakt für Rückmeldungen zu Barrieren (E-Mail-Adresse oder Telefon)"),
    ],
}


@checks.register(checks.Tags.database, deploy=True)
def check_legal_pages(app_configs, databases=None, **kwargs):
    """`check --deploy --database default`: legal pages still at their starting text."""
    if not databases:
        return []
    from portal.models import SitePage

    edited = dict(SitePage.objects.values_list("slug", "body"))
    return [
        checks.Warning(
            f"Die Seite „{title}“ enthält noch den Starttext.",
            hint="Im Admin unter „Rechtliche Seiten“ ergänzen: "
            + "; ".join(str(item) for item in OPERATOR_CHECKLIST[slug]),
            id="portal.W002",
        )
        for slug, (title, body) in PAGES.items()
        if edited.get(slug, body) == body
    ]

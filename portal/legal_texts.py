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

# The starting texts in English, shown to visitors who chose English while the operator has not
# edited the page. An edited page exists in German only (its English visitors are told so).
IMPRINT_EN = """\
## Provider

Stadt Chemnitz (City of Chemnitz)
Markt 1
09111 Chemnitz
Germany

The City of Chemnitz is a public-law corporation. It is represented by the Lord Mayor.

## Responsible for the content

Office of the Municipal Prevention Council of Chemnitz, Department of Law, Security and
Environmental Protection, at the address above.

## About the sample data

This installation contains sample data. Figures marked "Sample data – not official figures" are
invented and must not be quoted.
"""

PRIVACY_EN = """\
## Controller

Stadt Chemnitz, Markt 1, 09111 Chemnitz, Germany. You can reach the official data protection
officer at the same address, adding "Data protection officer".

## What data is processed

- **Visiting the website:** the web server processes the IP address, date and time, the address
  requested and the browser type in order to deliver the pages and fend off attacks (Art. 6(1)(e)
  GDPR). No analytics or advertising services are used and no third-party content is loaded.
- **Logging in:** council members and staff of the administration receive a technically
  necessary session cookie. Failed login attempts are stored with the IP address to protect
  accounts against password guessing.
- **Choice of language:** whoever switches the language receives a cookie that stores the
  language chosen.
- **E-mail alerts:** whoever orders an alert gives their e-mail address (consent, Art. 6(1)(a)
  GDPR). Only the address, the topic and the times of the order, the confirmation and the last
  confirmation e-mail are stored. An address that is not confirmed is deleted after one week;
  whoever unsubscribes (link in every e-mail) has their address deleted at once. To prevent
  abuse, the IP address of an order is counted for at most one hour, not stored.

## Your rights

You have the right of access, rectification, erasure, restriction of processing and objection,
and the right to lodge a complaint with the Saxon Data Protection and Transparency Commissioner.
"""

ACCESSIBILITY_EN = """\
The City of Chemnitz endeavours to make its websites accessible in accordance with the
Accessible Websites Act of the Free State of Saxony (BfWebG) and the Accessible Information
Technology Ordinance (BITV 2.0). This statement applies to the Council Portal Prevention.

## Compliance status

This website largely complies with the requirements of WCAG 2.1 level AA. Every type of page is
checked automatically with axe-core on every change and can be used with the keyboard. Charts
have a text summary and a data table.

## Content that is not accessible

- Older PDF attachments that were not produced by the portal may not be accessible. The answer
  reports produced by the portal are tagged PDF documents (PDF/UA-1).

## Preparation of this statement

This statement was prepared on the basis of a self-assessment.

## Feedback and contact

Have you noticed barriers to access? Please contact the office responsible named in the imprint.

## Enforcement procedure

If you do not receive a satisfactory answer to your feedback, you can turn to the enforcement
body at the Commissioner of the Saxon State Government for the Interests of People with
Disabilities.
"""

PAGES_EN = {
    "impressum": ("Imprint", IMPRINT_EN),
    "datenschutz": ("Privacy policy", PRIVACY_EN),
    "barrierefreiheit": ("Accessibility statement", ACCESSIBILITY_EN),
}


def for_language(slug: str, title: str, body: str, language: str) -> tuple[str, str, bool]:
    """(title, body, German only?) of a legal page for a visitor's language: the English
    starting text while the page is unedited, else the operator's German text."""
    if language == "de" or slug not in PAGES_EN:
        return title, body, False
    if body == PAGES[slug][1]:
        return (*PAGES_EN[slug], False)
    return title, body, True


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

"""Starting texts of the legal pages. Operators edit them in the admin (Rechtliche Seiten)."""

IMPRINT = """\
## Anbieter

Stadt Chemnitz
Markt 1
09111 Chemnitz

Die Stadt Chemnitz ist eine Körperschaft des öffentlichen Rechts. Sie wird vertreten durch die
Oberbürgermeisterin bzw. den Oberbürgermeister.

## Verantwortlich für den Inhalt

Geschäftsstelle des Kommunalen Präventionsrates Chemnitz, Dezernat Recht, Sicherheit und
Umweltschutz. Kontaktangaben: *vom Betreiber einzutragen*.

## Hinweis zu den Beispieldaten

Diese Installation enthält Beispieldaten. Zahlen, die als „Beispieldaten – keine amtlichen
Zahlen“ gekennzeichnet sind, sind erfunden und dürfen nicht zitiert werden.
"""

PRIVACY = """\
## Verantwortliche Stelle

Stadt Chemnitz, Markt 1, 09111 Chemnitz. Die Kontaktdaten der oder des behördlichen
Datenschutzbeauftragten trägt der Betreiber hier ein.

## Welche Daten verarbeitet werden

- **Besuch der Website:** Der Webserver verarbeitet die IP-Adresse, Datum und Uhrzeit, die
  aufgerufene Adresse und den Browsertyp, um die Seiten auszuliefern und Angriffe abzuwehren
  (Art. 6 Abs. 1 lit. e DSGVO). Es werden keine Analyse- oder Werbedienste eingesetzt und keine
  Inhalte Dritter nachgeladen.
- **Anmeldung:** Für Ratsmitglieder und Beschäftigte der Verwaltung wird ein technisch notwendiges
  Sitzungs-Cookie gesetzt. Fehlgeschlagene Anmeldeversuche werden mit IP-Adresse gespeichert, um
  Konten vor dem Erraten von Passwörtern zu schützen.
- **Sprachwahl:** Wer die Sprache wechselt, erhält ein Cookie, das die gewählte Sprache speichert.

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
verantwortliche Stelle (Kontaktangaben siehe Impressum, vom Betreiber einzutragen).

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

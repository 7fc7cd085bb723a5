"""The starting texts of the legal pages showed "vom Betreiber einzutragen" to the public and
did not mention the e-mail alerts. Sentences the operator has not changed are replaced; edited
ones are left alone (the admin's checklist names what to add)."""

from django.db import migrations

REPLACEMENTS = {
    "impressum": [
        (
            "Umweltschutz. Kontaktangaben: *vom Betreiber einzutragen*.",
            "Umweltschutz, erreichbar unter der oben genannten Anschrift.",
        )
    ],
    "datenschutz": [
        (
            "Stadt Chemnitz, Markt 1, 09111 Chemnitz. Die Kontaktdaten der oder des behördlichen\n"
            "Datenschutzbeauftragten trägt der Betreiber hier ein.",
            "Stadt Chemnitz, Markt 1, 09111 Chemnitz. Die oder den behördlichen "
            "Datenschutzbeauftragten\nerreichen Sie unter derselben Anschrift mit dem Zusatz "
            "„Datenschutzbeauftragte/r“.",
        ),
        (
            "- **Sprachwahl:** Wer die Sprache wechselt, erhält ein Cookie, das die gewählte "
            "Sprache speichert.\n",
            "- **Sprachwahl:** Wer die Sprache wechselt, erhält ein Cookie, das die gewählte "
            "Sprache speichert.\n"
            "- **E-Mail-Benachrichtigungen:** Wer eine Benachrichtigung bestellt, gibt seine "
            "E-Mail-Adresse\n"
            "  an (Einwilligung, Art. 6 Abs. 1 lit. a DSGVO). Gespeichert werden nur die Adresse, "
            "das Thema\n"
            "  und die Zeitpunkte von Bestellung, Bestätigung und letzter Bestätigungs-E-Mail. "
            "Eine nicht\n"
            "  bestätigte Adresse wird nach einer Woche gelöscht; wer abbestellt (Link in jeder "
            "E-Mail),\n"
            "  dessen Adresse wird sofort gelöscht. Um Missbrauch zu verhindern, wird die "
            "IP-Adresse einer\n"
            "  Bestellung höchstens eine Stunde lang gezählt, nicht gespeichert.\n",
        ),
    ],
    "barrierefreiheit": [
        (
            "verantwortliche Stelle (Kontaktangaben siehe Impressum, vom Betreiber einzutragen).",
            "im Impressum genannte verantwortliche Stelle.",
        )
    ],
}


def replace_placeholders(apps, schema_editor):
    SitePage = apps.get_model("portal", "SitePage")
    for page in SitePage.objects.filter(slug__in=REPLACEMENTS):
        body = page.body.replace("\r\n", "\n")
        for old, new in REPLACEMENTS[page.slug]:
            if old in body and new not in body:
                body = body.replace(old, new)
        if body != page.body.replace("\r\n", "\n"):
            page.body = body
            page.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("portal", "0007_alert_subscriptions_moved")]

    operations = [migrations.RunPython(replace_placeholders, migrations.RunPython.noop)]

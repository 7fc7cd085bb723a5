# The motion as a document (Drucksache, issue 14) and the text of stored PDFs (OParl File.text,
# issue 18).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0019_event_actions"),
    ]

    operations = [
        migrations.AddField(
            model_name="motion",
            name="document_file",
            field=models.FileField(
                blank=True, upload_to="drucksachen/", verbose_name="Drucksache (PDF)"
            ),
        ),
        migrations.AddField(
            model_name="motion",
            name="document_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="SHA-256 der Drucksache"
            ),
        ),
        migrations.AddField(
            model_name="motion",
            name="document_sha512",
            field=models.CharField(
                blank=True, max_length=128, verbose_name="SHA-512 der Drucksache"
            ),
        ),
        migrations.AddField(
            model_name="motion",
            name="document_size",
            field=models.PositiveIntegerField(
                blank=True, null=True, verbose_name="Größe der Drucksache in Bytes"
            ),
        ),
        migrations.AddField(
            model_name="motion",
            name="document_text",
            field=models.TextField(blank=True, editable=False, verbose_name="Text der Drucksache"),
        ),
        migrations.AddField(
            model_name="motion",
            name="document_source",
            field=models.CharField(
                blank=True,
                editable=False,
                max_length=64,
                verbose_name="Prüfsumme der Vorlage der Drucksache",
            ),
        ),
        migrations.AddField(
            model_name="motion",
            name="document_created",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="Drucksache erstellt am"
            ),
        ),
        migrations.AddField(
            model_name="answerreport",
            name="pdf_text",
            field=models.TextField(blank=True, editable=False, verbose_name="Text der PDF-Datei"),
        ),
    ]

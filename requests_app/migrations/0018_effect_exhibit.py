# The exhibit kind "Wirkungsanalyse" (issue 16). Needs the choice line
#     EFFECT = "effect", _("Wirkungsanalyse")
# in Exhibit.Kind (requests_app/models/reports.py); the lead merges it and fixes the chain.
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0017_answer_workflow"),
    ]

    operations = [
        migrations.AlterField(
            model_name="exhibit",
            name="kind",
            field=models.CharField(
                choices=[
                    ("indicator_chart", "Kennzahl als Diagramm"),
                    ("indicator_table", "Kennzahl als Tabelle"),
                    ("safety_comparison", "Sicherheitsgefühl und Straftaten"),
                    ("meetings", "Sitzungen des Präventionsrates"),
                    ("measures", "Maßnahmen und Förderung"),
                    ("effect", "Wirkungsanalyse"),
                ],
                max_length=20,
                verbose_name="Art",
            ),
        ),
    ]

from django.db import migrations

from portal.legal_texts import PAGES


def create_pages(apps, schema_editor):
    SitePage = apps.get_model("portal", "SitePage")
    for slug, (title, body) in PAGES.items():
        SitePage.objects.get_or_create(slug=slug, defaults={"title": title, "body": body})


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_roles")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]

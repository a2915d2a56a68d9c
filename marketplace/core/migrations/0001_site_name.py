from django.conf import settings
from django.db import migrations


def name_the_site(apps, schema_editor):
    """Give allauth's e-mails the marketplace's name instead of example.com."""
    Site = apps.get_model("sites", "Site")
    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": settings.SITE_DOMAIN, "name": settings.MARKETPLACE_NAME},
    )


class Migration(migrations.Migration):
    dependencies = [("sites", "0002_alter_domain_unique")]

    operations = [migrations.RunPython(name_the_site, migrations.RunPython.noop)]

from django.db import migrations


def load_default_tax_rates(apps, schema_editor):
    """Fill the tax table with default rates (filled in by the tax work)."""


class Migration(migrations.Migration):
    dependencies = [("orders", "0001_initial")]

    operations = [migrations.RunPython(load_default_tax_rates, migrations.RunPython.noop)]

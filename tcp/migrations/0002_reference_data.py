"""Load the reference data: countries, field presences and vocabularies."""

from django.db import migrations

from tcp.reference_data import load


class Migration(migrations.Migration):
    dependencies = [
        ("tcp", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]

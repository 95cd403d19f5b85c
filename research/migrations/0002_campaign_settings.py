"""The campaign's one settings row, with the defaults: opens 15 January, covers operating JVs,
research due 30 June, data returns due 31 March."""

from django.db import migrations


def create(apps, schema_editor):
    settings = apps.get_model("research", "CampaignSettings")
    if not settings.objects.exists():
        settings.objects.create(
            opens_on="01-15", statuses=["operating"], due_on="06-30", data_return_due_on="03-31"
        )


class Migration(migrations.Migration):
    dependencies = [("research", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

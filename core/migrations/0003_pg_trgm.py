# pg_trgm for the search box (core/trigram.py): a no-op on SQLite.
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0002_calendar_day")]

    operations = [TrigramExtension()]

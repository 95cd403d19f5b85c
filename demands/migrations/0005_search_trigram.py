# GIN trigram indexes on the columns the search box reads (core/trigram.py): PostgreSQL only.
from django.db import migrations

from core.trigram import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [("core", "0003_pg_trgm"), ("demands", "0004_source_annual_research")]

    operations = [
        TrigramIndexes("demand", ["title", "description"]),
    ]

# GIN trigram indexes on the columns the search box reads (core/trigram.py): PostgreSQL only.
from django.db import migrations

from core.trigram import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [("core", "0003_pg_trgm"), ("representatives", "0004_governance_reports_evaluations")]

    operations = [
        TrigramIndexes("representative", ["name", "name_en", "position"]),
        TrigramIndexes("meeting", ["title", "place"]),
        TrigramIndexes("proposal", ["title"]),
        TrigramIndexes("report", ["title", "body"]),
    ]

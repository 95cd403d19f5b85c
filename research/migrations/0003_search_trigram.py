# GIN trigram indexes on the columns the search box reads (core/trigram.py): PostgreSQL only.
from django.db import migrations

from core.trigram import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [("core", "0003_pg_trgm"), ("research", "0002_campaign_settings")]

    operations = [
        TrigramIndexes("annualresearch", ["scope", "questions", "findings", "problems", "shared_summary"]),
    ]

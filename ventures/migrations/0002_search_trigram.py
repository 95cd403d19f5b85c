# GIN trigram indexes on the columns the search box reads (core/trigram.py): PostgreSQL only.
from django.db import migrations

from core.trigram import TrigramIndexes


class Migration(migrations.Migration):
    dependencies = [("core", "0003_pg_trgm"), ("ventures", "0001_initial")]

    operations = [
        TrigramIndexes("jointventure", ["name", "name_en", "uscc", "main_products"]),
        TrigramIndexes("party", ["name", "name_en"]),
    ]

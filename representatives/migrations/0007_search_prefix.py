# The search's "starts with" rank on the reports' titles (core/trigram.py): PostgreSQL only.
from django.db import migrations

from core.trigram import PrefixIndexes


class Migration(migrations.Migration):
    dependencies = [("representatives", "0006_list_indexes")]

    operations = [
        PrefixIndexes("report", ["title"]),
    ]

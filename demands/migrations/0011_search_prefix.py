# The search's "starts with" rank on the demands' titles (core/trigram.py): PostgreSQL only.
from django.db import migrations

from core.trigram import PrefixIndexes


class Migration(migrations.Migration):
    dependencies = [("demands", "0010_demand_jv_no_own_index")]

    operations = [
        PrefixIndexes("demand", ["title"]),
    ]

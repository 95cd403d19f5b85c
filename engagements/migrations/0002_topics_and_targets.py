"""The managed list's first topics and a contact target per strategic tier (admins change both;
``engagements/defaults.py`` holds the same lists for the demo)."""

from django.db import migrations

TOPICS = [
    ("发展机遇", "Development opportunities"),
    ("营商环境", "Business environment"),
    ("政策支持", "Policy"),
    ("市场拓展", "Market expansion"),
    ("科研合作", "Research cooperation"),
    ("投资", "Investment"),
    ("分红", "Dividends"),
    ("人才", "Talent"),
]
# Calendar days between high-level contacts.
TARGETS = [("core", 180), ("important", 365), ("general", 730)]


def seed(apps, schema_editor):
    Topic = apps.get_model("engagements", "Topic")
    ContactTarget = apps.get_model("engagements", "ContactTarget")
    for position, (name, name_en) in enumerate(TOPICS):
        Topic.objects.get_or_create(name=name, defaults={"name_en": name_en, "position": position})
    for tier, days in TARGETS:
        ContactTarget.objects.get_or_create(tier=tier, defaults={"days": days})


class Migration(migrations.Migration):
    dependencies = [("engagements", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

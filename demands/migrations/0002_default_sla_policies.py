"""Seed one SLA policy per priority, so deadlines exist from the first demand; admins tune them."""

from django.db import migrations

DEFAULTS = {
    # priority: (acknowledge, resolve, warning, escalation interval) in working days
    "urgent": (1, 5, 1, 1),
    "high": (2, 10, 1, 2),
    "normal": (3, 20, 2, 3),
    "low": (5, 40, 3, 5),
}


def seed(apps, schema_editor):
    SLAPolicy = apps.get_model("demands", "SLAPolicy")
    for priority, (ack, resolve, warning, interval) in DEFAULTS.items():
        SLAPolicy.objects.get_or_create(
            priority=priority,
            category="",
            defaults={
                "acknowledge_days": ack,
                "resolve_days": resolve,
                "warning_days": warning,
                "escalation_interval_days": interval,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("demands", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

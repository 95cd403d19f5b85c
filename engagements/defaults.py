"""The managed list's first topics and the contact targets the portal starts with (migration 0002
loads the same; admins change both). ``ensure()`` puts back what is missing, for the demo."""

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
# Calendar days between high-level contacts, per strategic tier.
TARGETS = [("core", 180), ("important", 365), ("general", 730)]


def ensure() -> None:
    """Add the default topics and targets that are missing; leave the admins' changes alone."""
    from .models import ContactTarget, Topic

    for position, (name, name_en) in enumerate(TOPICS):
        Topic.objects.get_or_create(name=name, defaults={"name_en": name_en, "position": position})
    for tier, days in TARGETS:
        ContactTarget.objects.get_or_create(tier=tier, defaults={"days": days})

"""The notification kinds of the demands app."""

from django.utils.translation import gettext_lazy as _

from notifications import kinds

ASSIGNED = kinds.register(
    "demands.assigned",
    label=_("Demand assigned"),
    subject=_("Demand %(ref)s of %(jv)s is assigned to you or your department: %(title)s"),
    body=_("Acknowledge it by %(due)s."),
)

STATUS_CHANGED = kinds.register(
    "demands.status_changed",
    label=_("Demand status changed"),
    subject=_("Demand %(ref)s of %(jv)s is now: %(status)s"),
    body=_("%(title)s"),
)

RESOLVED = kinds.register(
    "demands.resolved",
    label=_("Demand resolved: please rate"),
    subject=_("Demand %(ref)s of %(jv)s is resolved: please rate how satisfied the JV is"),
    body=_("%(title)s. Without a rating it closes on its own on %(closes)s."),
)

COMMENTED = kinds.register(
    "demands.commented",
    label=_("Comment on a demand"),
    subject=_("%(author)s commented on demand %(ref)s of %(jv)s"),
    body=_("%(title)s"),
)

DEADLINE_WARNING = kinds.register(
    "demands.deadline_warning",
    label=_("Demand deadline approaching"),
    subject=_("Demand %(ref)s of %(jv)s must be %(phase)s by %(due)s"),
    body=_("%(title)s"),
)

ESCALATED = kinds.register(
    "demands.escalated",
    label=_("Demand overdue (escalation)"),
    subject=_("Overdue: demand %(ref)s of %(jv)s was due to be %(phase)s by %(due)s; escalated to: %(rung)s"),
    body=_("%(title)s. Owner: %(owner)s; department: %(department)s."),
)

"""The notification kinds of engagements and their commitments."""

from django.utils.translation import gettext_lazy as _

from notifications import kinds

COMMITMENT_ASSIGNED = kinds.register(
    "engagements.commitment_assigned",
    label=_("Commitment assigned"),
    subject=_("%(jv)s: you own a commitment from %(engagement)s, due %(due)s"),
    body=_("%(text)s"),
)

COMMITMENT_DUE = kinds.register(
    "engagements.commitment_due",
    label=_("Commitment due"),
    subject=_("%(jv)s: a commitment from %(engagement)s is due %(due)s"),
    body=_("%(text)s"),
)

COMMITMENT_OVERDUE = kinds.register(
    "engagements.commitment_overdue",
    label=_("Commitment overdue"),
    subject=_("Overdue: a commitment to %(jv)s from %(engagement)s was due %(due)s"),
    body=_("%(text)s (owner: %(owner)s)"),
)

CONTACT_LAPSED = kinds.register(
    "engagements.contact_lapsed",
    label=_("JV past its contact target"),
    subject=_("%(jv)s has gone %(days)s days without high-level contact (target: %(target)s)"),
    body=_("Last high-level contact: %(last)s. Plan a visit or a meeting with the partner's leaders."),
)

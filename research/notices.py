"""The notification kinds of the annual research."""

from django.utils.translation import gettext_lazy as _

from notifications import kinds

OPENED = kinds.register(
    "research.opened",
    label=_("Annual research opened"),
    subject=_("%(jv)s: you lead the %(year)s research, due %(due)s"),
    body=_("The research is open in the portal. Plan it, ask the JV for its data and write it up."),
)

RETURN_REQUESTED = kinds.register(
    "research.return_requested",
    label=_("Data return requested"),
    subject=_("%(jv)s: HQ asks for the data return for %(data_year)s by %(due)s"),
    body=_("Fill in last year's figures, the JV's plans, its difficulties and what it needs from the group."),
)

RETURN_DUE = kinds.register(
    "research.return_due",
    label=_("Data return due"),
    subject=_("%(jv)s: the data return for %(data_year)s is due %(due)s"),
    body=_("HQ's annual research waits for the JV's figures and plans."),
)

RETURN_OVERDUE = kinds.register(
    "research.return_overdue",
    label=_("Data return overdue"),
    subject=_("Overdue: the data return for %(data_year)s of %(jv)s was due %(due)s"),
    body=_("The annual research cannot be written up without it."),
)

RETURN_SUBMITTED = kinds.register(
    "research.return_submitted",
    label=_("Data return submitted"),
    subject=_("%(jv)s submitted its data return for %(data_year)s"),
    body=_("Review it: return it with comments, or accept it and its figures become the year's indicators."),
)

RETURN_RETURNED = kinds.register(
    "research.return_returned",
    label=_("Data return returned"),
    subject=_("HQ returned the data return for %(data_year)s of %(jv)s"),
    body=_("HQ's comments: %(comments)s"),
)

RETURN_ACCEPTED = kinds.register(
    "research.return_accepted",
    label=_("Data return accepted"),
    subject=_("HQ accepted the data return for %(data_year)s of %(jv)s"),
    body=_("Thank you: the figures are recorded."),
)

RESEARCH_DUE = kinds.register(
    "research.due",
    label=_("Annual research due"),
    subject=_("%(jv)s: the %(year)s research is due %(due)s"),
    body=_("Write up the findings and recommendations and submit the research for acceptance."),
)

RESEARCH_OVERDUE = kinds.register(
    "research.overdue",
    label=_("Annual research overdue"),
    subject=_("Overdue: the %(year)s research on %(jv)s was due %(due)s"),
    body=_("The research is %(status)s; its lead is %(lead)s."),
)

RESEARCH_SUBMITTED = kinds.register(
    "research.submitted",
    label=_("Research submitted for acceptance"),
    subject=_("%(jv)s: the %(year)s research awaits your acceptance"),
    body=_("Read the findings and recommendations; accept the research or return it with a comment."),
)

RESEARCH_DECIDED = kinds.register(
    "research.decided",
    label=_("Research accepted or returned"),
    subject=_("%(jv)s: leadership %(decision)s the %(year)s research"),
    body=_("Leadership's comment: %(comment)s"),
)

SUMMARY_SHARED = kinds.register(
    "research.summary_shared",
    label=_("Research summary shared"),
    subject=_("%(jv)s: HQ shared the summary of its %(year)s research"),
    body=_("Read it in the portal."),
)

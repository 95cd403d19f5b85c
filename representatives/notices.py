"""The notification kinds of the representatives app."""

from django.utils.translation import gettext_lazy as _

from notifications import kinds

APPOINTMENT_MADE = kinds.register(
    "representatives.appointment_made",
    label=_("Appointment recorded"),
    subject=_("You were appointed %(role)s of %(jv)s from %(start)s"),
    body=_("HQ recorded your appointment. The joint venture is now in your portal."),
)

TERM_ENDING = kinds.register(
    "representatives.term_ending",
    label=_("Appointment term ending"),
    subject=_("The term of %(name)s as %(role)s of %(jv)s ends on %(term_end)s (in %(days)s days)"),
    body=_("No successor is recorded yet. HQ should arrange the reappointment or a successor in time."),
)

# --- The governance loop ------------------------------------------------------------------------

INSTRUCTION_REQUESTED = kinds.register(
    "representatives.instruction_requested",
    label=_("Voting instruction requested"),
    subject=_("%(jv)s: an instruction is needed on “%(proposal)s” (%(meeting)s), due %(due)s"),
    body=_("The representative registered a proposal HQ must instruct. %(reason)s"),
)

INSTRUCTION_DUE_SOON = kinds.register(
    "representatives.instruction_due_soon",
    label=_("Voting instructions due soon"),
    subject=_("%(jv)s: %(count)s instruction(s) for %(meeting)s are due %(due)s"),
    body=_("The meeting is on %(when)s. Draft and issue the instructions before the deadline."),
)

INSTRUCTION_OVERDUE = kinds.register(
    "representatives.instruction_overdue",
    label=_("Voting instructions overdue"),
    subject=_("Overdue: %(count)s instruction(s) for %(meeting)s of %(jv)s were due %(due)s"),
    body=_("The meeting is on %(when)s and the representative is still waiting for HQ's instructions."),
)

INSTRUCTION_APPROVAL = kinds.register(
    "representatives.instruction_approval",
    label=_("Instruction awaiting approval"),
    subject=_("Approve the instruction on “%(proposal)s” (%(meeting)s, %(jv)s)"),
    body=_(
        "HQ drafted an instruction on a major matter: %(vote)s. It reaches the representative once approved."
    ),
)

INSTRUCTION_RETURNED = kinds.register(
    "representatives.instruction_returned",
    label=_("Instruction returned by leadership"),
    subject=_("Leadership returned the instruction on “%(proposal)s” (%(meeting)s)"),
    body=_("Leadership's note: %(note)s"),
)

INSTRUCTION_ISSUED = kinds.register(
    "representatives.instruction_issued",
    label=_("Voting instruction issued"),
    subject=_("HQ's instruction on “%(proposal)s” (%(meeting)s): vote %(vote)s"),
    body=_("%(note)s"),
)

VOTE_DEVIATED = kinds.register(
    "representatives.vote_deviated",
    label=_("Vote differs from the instruction"),
    subject=_("%(jv)s, %(meeting)s: the vote on “%(proposal)s” was %(vote)s, not as instructed"),
    body=_("The representative's explanation: %(explanation)s"),
)

# --- Reports ------------------------------------------------------------------------------------

REPORT_OPENED = kinds.register(
    "representatives.report_opened",
    label=_("Report to file"),
    subject=_("Your %(report)s for %(jv)s is due on %(due)s"),
    body=_("The draft is open in the portal."),
)

REPORT_DUE_SOON = kinds.register(
    "representatives.report_due_soon",
    label=_("Report due in a week"),
    subject=_("Your %(report)s for %(jv)s is due on %(due)s"),
    body=_("Submit it in the portal before the due date."),
)

REPORT_DUE_TODAY = kinds.register(
    "representatives.report_due_today",
    label=_("Report due today"),
    subject=_("Your %(report)s for %(jv)s is due today"),
    body=_("Submit it in the portal today."),
)

REPORT_OVERDUE = kinds.register(
    "representatives.report_overdue",
    label=_("Report overdue"),
    subject=_("Your %(report)s for %(jv)s was due on %(due)s"),
    body=_("It is overdue. Submit it in the portal as soon as you can."),
)

REPORT_OVERDUE_HQ = kinds.register(
    "representatives.report_overdue_hq",
    label=_("A representative's report is overdue"),
    subject=_("%(name)s has not filed the %(report)s for %(jv)s, due %(due)s"),
    body=_("The representative was reminded when it fell due."),
)

REPORT_SUBMITTED = kinds.register(
    "representatives.report_submitted",
    label=_("Report submitted for review"),
    subject=_("%(name)s submitted the %(report)s for %(jv)s"),
    body=_("It is in the report review queue."),
)

REPORT_RETURNED = kinds.register(
    "representatives.report_returned",
    label=_("Report returned for revision"),
    subject=_("HQ returned your %(report)s for %(jv)s for revision"),
    body=_("HQ's comments: %(comments)s"),
)

REPORT_ACKNOWLEDGED = kinds.register(
    "representatives.report_acknowledged",
    label=_("Report acknowledged"),
    subject=_("HQ acknowledged your %(report)s for %(jv)s"),
    body=_("%(comments)s"),
)

# --- Evaluations --------------------------------------------------------------------------------

EVALUATION_PUBLISHED = kinds.register(
    "representatives.evaluation_published",
    label=_("Evaluation published"),
    subject=_("Your evaluation for %(year)s is published: %(grade)s"),
    body=_("Read it in the portal."),
)

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

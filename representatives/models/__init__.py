"""The representatives app's records: people and seats, JV meetings, reports, evaluations."""

from .evaluations import Evaluation
from .meetings import Meeting, MeetingAttachment, Proposal
from .people import Appointment, AppointmentQuerySet, Representative, RepresentativeQuerySet
from .reports import Report, ReportAttachment, ReportEntry

__all__ = [
    "Appointment",
    "AppointmentQuerySet",
    "Evaluation",
    "Meeting",
    "MeetingAttachment",
    "Proposal",
    "Report",
    "ReportAttachment",
    "ReportEntry",
    "Representative",
    "RepresentativeQuerySet",
]

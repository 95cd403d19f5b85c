"""Labels and colours for demands in templates."""

from django import template

from notifications.kinds import localize_params

from ..choices import Category, Priority, Rung, Status

register = template.Library()

STATUS_COLOURS = {
    Status.SUBMITTED: "info",
    Status.ACCEPTED: "primary",
    Status.IN_PROGRESS: "primary",
    Status.ON_HOLD: "warning",
    Status.RESOLVED: "success",
    Status.CLOSED: "secondary",
    Status.REJECTED: "danger",
    Status.WITHDRAWN: "secondary",
}
PRIORITY_COLOURS = {
    Priority.URGENT: "danger",
    Priority.HIGH: "warning",
    Priority.NORMAL: "light",
    Priority.LOW: "light",
}


@register.filter
def status_colour(value) -> str:
    return STATUS_COLOURS.get(value, "secondary")


@register.filter
def priority_colour(value) -> str:
    return PRIORITY_COLOURS.get(value, "light")


@register.filter
def status_label(value) -> str:
    return Status(value).label if value in Status.values else value


@register.filter
def priority_label(value) -> str:
    return Priority(value).label if value in Priority.values else value


@register.filter
def category_label(value) -> str:
    return Category(value).label if value in Category.values else value


@register.filter
def rung_label(value) -> str:
    return Rung(int(value)).label if value is not None else ""


@register.filter
def localized(value):
    """A bilingual parameter ({"zh-hans": ..., "en": ...}) in the reader's language."""
    return localize_params({"v": value})["v"]

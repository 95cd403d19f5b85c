"""How a scorecard cell reads on the page: figures with thousands separators, a change under its
figure, an empty cell as a dash."""

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils.html import format_html

from portfolio.scorecard import Change

register = template.Library()


def _number(value) -> str:
    if isinstance(value, Decimal):
        return intcomma(floatformat(value, "-2"))
    return intcomma(value)


def _signed(value, digits="-2") -> str:
    return ("+" if value > 0 else "") + intcomma(floatformat(value, digits))


@register.filter
def scorecell(cell):
    if cell is None:
        return "—"
    if isinstance(cell, Change):
        if cell.value is None:
            return "—"
        if cell.change is None:
            return _number(cell.value)
        percent = f" ({_signed(cell.percent, '-1')}%)" if cell.percent is not None else ""
        return format_html(
            '{}<div class="small {}" data-testid="change">{}{}</div>',
            _number(cell.value),
            "text-danger" if cell.falling else "text-secondary",
            _signed(cell.change),
            percent,
        )
    if isinstance(cell, int | Decimal):
        return _number(cell)
    return cell

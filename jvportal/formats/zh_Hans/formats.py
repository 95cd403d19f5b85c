"""Chinese formats with grouped thousands (Django's own leave them ungrouped)."""

from django.conf.locale.zh_Hans.formats import *  # noqa: F403

THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

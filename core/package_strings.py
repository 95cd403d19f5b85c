"""Strings of third-party packages that the portal translates itself.

django-import-export's Chinese catalogue leaves these empty (so the admin shows them in English)
or gets them wrong. The project's catalogue comes first (``LOCALE_PATHS``); marking the strings
here keeps ``makemessages`` from dropping them as obsolete. Nothing imports this module.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

IMPORT_EXPORT = [
    # The import and export forms.
    gettext_noop("Resource"),
    gettext_noop("Select all"),
    ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", "len"),
    # Messages of the import and export views.
    gettext_noop(
        "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct "
        "format for the file."
    ),
    gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import."),
    # The package's Chinese drops the last placeholder, the kind of rows imported.
    gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}."),
    gettext_noop("Value could not be parsed."),
    gettext_noop('Select at least 1 field for "%(resource_name)s" to export'),
    gettext_noop("export failed due to IllegalCharacterError"),
]

"""Strings of installed packages that their own Simplified Chinese catalogues leave in English.

Django looks a message up in the project's catalogue (``LOCALE_PATHS``) before a package's, so
translating a package's message in ``locale/zh_Hans`` puts it into Chinese. But makemessages only
keeps the messages it finds in the project's code, and drops the rest as obsolete: each one is
marked here so that it stays in the catalogue. Nothing imports this module; its calls mark, they
never run anything a page needs. The message ids must stay exactly as the packages write them.

When a package upgrade translates one of these (or rewords it), remove it here.
"""

from django.utils.translation import gettext_noop, ngettext_lazy

# Django 5.2 (django/conf/locale/zh_Hans): a foreign key's value that is not among its choices.
gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice.")

# Django 5.2 (contrib/auth): the password validator's message on the password change page.
ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    8,
)

# Django 5.2 (contrib/admin): the column headings read out on the admin's index, the add-user
# page's hint, and the title of a page whose form has errors.
gettext_noop("Model name")
gettext_noop("Add link")
gettext_noop("Change or view list link")
gettext_noop("After you’ve created a user, you’ll be able to edit more user options.")
gettext_noop("Error:")

# django-import-export 4.4 (the admin's import and export pages).
gettext_noop(
    "%(exc_name)s encountered while trying to read file. Ensure you have chosen the correct format "
    "for the file."
)
gettext_noop("No valid data to import. Ensure your file has the correct headers or data for import.")
gettext_noop("export failed due to IllegalCharacterError")
gettext_noop("Resource")
gettext_noop('Select at least 1 field for "%(resource_name)s" to export')
gettext_noop("Select all")
gettext_noop("Value could not be parsed.")
# Its Chinese drops the last placeholder, the kind of rows imported.
gettext_noop("Import finished: {} new, {} updated, {} deleted and {} skipped {}.")
ngettext_lazy("Export %(len)s selected item.", "Export %(len)s selected items.", 1)

# django-axes 8.3 (no Chinese catalogue): the admin's access attempts (accounts.admin).
gettext_noop("access attempt")
gettext_noop("access attempts")
gettext_noop("IP Address")
gettext_noop("User Agent")
gettext_noop("Path")
gettext_noop("Failed Logins")
gettext_noop("Attempt Time")

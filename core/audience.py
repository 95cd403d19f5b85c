"""Who hears about a JV's matter. One place answers it for every app:

- ``hq_contacts(jv)``: the HQ people who look after the JV: its liaison and its department's head;
- ``leadership()``: the group's leadership;
- ``jv_side(jv_id)``: the JV's representatives in post (through ``core.registry``, which the
  representatives app fills);
- ``people(*users)``: the active ones among any of these, each once, in the order given.

Callers add the people of their own record (a demand's owner, an instruction's drafter) and hand the
list to ``notifications.services.tell``.
"""

from django.contrib.auth import get_user_model

from core.registry import membership
from core.roles import Role


def people(*users) -> list:
    """The active users among ``users``, each once (the first time they appear), Nones dropped."""
    seen: dict[int, object] = {}
    for user in users:
        if user is not None and user.is_active and user.pk not in seen:
            seen[user.pk] = user
    return list(seen.values())


def hq_contacts(jv) -> list:
    """The JV's HQ liaison and the head of its responsible department."""
    department = jv.department
    return people(jv.liaison, department.head if department else None)


def hq_staff():
    """The active HQ staff, by department and name (the people who own and handle HQ's work)."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.HQ_STAFF)
        .select_related("department")
        .order_by("department__code", "display_name", "username")
    )


def leadership() -> list:
    return list(get_user_model().objects.filter(is_active=True, groups__name=Role.LEADERSHIP).order_by("pk"))


def jv_side(jv_id) -> list:
    """The logins of the JV's representatives in post today."""
    return people(*membership().logins_in_post(jv_id))

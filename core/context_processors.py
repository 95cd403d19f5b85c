"""Template context every page needs: the viewer's role flags and the language form."""

from django.conf import settings

from core.roles import (
    can_edit_registry,
    is_hq_staff,
    is_leadership,
    is_representative,
    primary_role_label,
    sees_all_ventures,
)


def portal(request):
    user = getattr(request, "user", None)
    return {
        "portal_roles": {
            "sees_all": sees_all_ventures(user),
            "can_edit": can_edit_registry(user),
            "leadership": is_leadership(user),
            "hq_staff": is_hq_staff(user),
            "representative": is_representative(user),
            "label": primary_role_label(user),
        },
        "portal_languages": settings.LANGUAGES,
    }

"""Reads of representatives and appointments, scoped to what the user may see."""

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.history import history_entries
from ventures.models import JointVenture

from .models import Appointment, Representative


def representative_list(*, user) -> QuerySet[Representative]:
    """Representatives the user may see, with their active seats in JVs the user may see."""
    visible_jvs = JointVenture.objects.visible_to(user).values("pk")
    today = timezone.localdate()
    active = Q(appointments__start_date__lte=today) & (
        Q(appointments__end_date__isnull=True) | Q(appointments__end_date__gte=today)
    )
    seats = Appointment.objects.active().filter(jv__in=visible_jvs).select_related("jv").order_by("jv__name")
    return (
        Representative.objects.visible_to(user)
        .select_related("employer", "user")
        .annotate(seat_count=Count("appointments", filter=active & Q(appointments__jv__in=visible_jvs)))
        .prefetch_related(Prefetch("appointments", queryset=seats, to_attr="active_seats"))
    )


def representative_get(*, user, pk) -> Representative:
    return get_object_or_404(
        Representative.objects.visible_to(user).select_related("employer", "user"), pk=pk
    )


def representative_detail_context(*, representative: Representative, user) -> dict:
    appointments = list(
        Appointment.objects.visible_to(user)
        .filter(representative=representative)
        .select_related("jv")
        .order_by("-start_date")
    )
    return {
        "appointments": appointments,
        "history": history_entries(
            Representative.history.filter(id=representative.pk),
            Appointment.history.filter(
                representative_id=representative.pk,
                jv_id__in=JointVenture.objects.visible_to(user).values("pk"),
            ),
        ),
    }

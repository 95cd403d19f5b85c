"""Who serves where, as the rest of the portal asks it (``core.registry.membership()``): the JV
registry's access rule, the JV page's seats, a demand's JV side. Appointments decide all of it."""

from .models import Appointment


class AppointmentMembership:
    def serving_venture_ids(self, user):
        return Appointment.objects.active().filter(representative__user=user).values("jv_id")

    def seats_in(self, jv):
        return (
            Appointment.objects.active()
            .filter(jv=jv)
            .select_related("representative")
            .order_by("role", "representative__name")
        )

    def note_seats(self, user, jv, seats) -> None:
        """The appointments in force in ``jv`` (``seats_in``, read for the page) tell whether the
        viewer holds a seat there: their panels ask ``holds_seat`` without reading it again."""
        from .permissions import note_seats_in

        note_seats_in(user, jv, seats)

    def seats_of(self, user):
        return Appointment.objects.active().filter(representative__user=user)

    def logins_in_post(self, jv_id) -> list:
        return [
            a.representative.user
            for a in Appointment.objects.active()
            .filter(jv_id=jv_id, representative__user__isnull=False)
            .select_related("representative__user")
        ]

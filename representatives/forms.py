"""Forms for representatives and appointments; dropdowns are scoped to the user."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from core.forms import DateInput, VersionedModelForm
from ventures.choices import PartyKind
from ventures.models import JointVenture, Party

from .models import Appointment, Representative


class RepresentativeForm(VersionedModelForm):
    class Meta:
        model = Representative
        fields = ["name", "name_en", "employer", "position", "phone", "email", "user", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = Party.objects.visible_to(user).filter(kind=PartyKind.GROUP)
        # Logins not yet linked to another representative (or the one linked to this one).
        free = Q(representative_profile__isnull=True)
        if self.instance.pk and self.instance.user_id:
            free |= Q(pk=self.instance.user_id)
        self.fields["user"].queryset = (
            get_user_model().objects.filter(free, is_active=True).order_by("username")
        )


class AppointmentForm(VersionedModelForm):
    class Meta:
        model = Appointment
        fields = ["jv", "role", "start_date", "term_end", "end_date", "notes"]
        widgets = {"start_date": DateInput(), "term_end": DateInput(), "end_date": DateInput()}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["jv"].queryset = JointVenture.objects.visible_to(user).order_by("name")
        if self.instance.pk:
            self.fields["jv"].disabled = True

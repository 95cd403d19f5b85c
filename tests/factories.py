"""factory_boy factories for every model, and helpers that build users in a role."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import Department, User
from core.roles import Role
from representatives.choices import SeatRole
from representatives.models import Appointment, Representative
from ventures.choices import Currency, Industry, PartyKind, VentureStatus
from ventures.models import AnnualIndicators, JointVenture, Party, Shareholding
from ventures.validators import uscc_check_character

_uscc_counter = itertools.count(1)


def valid_uscc() -> str:
    """A fresh, valid unified social credit code."""
    n = next(_uscc_counter)
    first17 = f"91120000{n:09d}"
    return first17 + uscc_check_character(first17)


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.Sequence(lambda n: f"部门{n}")
    name_en = factory.Sequence(lambda n: f"Department {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    display_name = factory.LazyAttribute(lambda u: u.username)
    password = factory.PostGenerationMethodCall("set_password", "pw")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or ():
            self.groups.add(Group.objects.get(name=role))
        if create:
            self.save()


def make_user(role: str | None = None, **kwargs) -> User:
    return UserFactory(roles=[role] if role else [], **kwargs)


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    name = factory.Sequence(lambda n: f"股东{n}")
    name_en = factory.Sequence(lambda n: f"Shareholder {n}")
    kind = PartyKind.FOREIGN
    country = "DE"


class JointVentureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JointVenture

    name = factory.Sequence(lambda n: f"合资公司{n}")
    name_en = factory.Sequence(lambda n: f"Venture {n} Co., Ltd.")
    uscc = factory.LazyFunction(valid_uscc)
    registered_capital = Decimal("1000000")
    currency = Currency.CNY
    industry = Industry.ELEVATORS
    status = VentureStatus.OPERATING
    department = factory.SubFactory(DepartmentFactory)


class ShareholdingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shareholding

    jv = factory.SubFactory(JointVentureFactory)
    party = factory.SubFactory(PartyFactory)
    percentage = Decimal("50")


class AnnualIndicatorsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualIndicators

    jv = factory.SubFactory(JointVentureFactory)
    year = 2024
    revenue = Decimal("1000")
    net_profit = Decimal("100")
    tax_paid = Decimal("50")
    dividends_declared = Decimal("20")
    dividends_received = Decimal("20")
    new_investment = Decimal("10")
    headcount = 100


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    name = factory.Sequence(lambda n: f"代表{n}")
    name_en = factory.Sequence(lambda n: f"Rep {n}")


class AppointmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appointment

    representative = factory.SubFactory(RepresentativeFactory)
    jv = factory.SubFactory(JointVentureFactory)
    role = SeatRole.DIRECTOR
    start_date = datetime.date(2024, 1, 1)
    term_end = datetime.date(2099, 12, 31)


def make_representative_user(*ventures, **kwargs) -> User:
    """A representative login with an active appointment in each of ``ventures``."""
    user = make_user(Role.REPRESENTATIVE, **kwargs)
    rep = RepresentativeFactory(user=user, name=user.username)
    for venture in ventures:
        AppointmentFactory(representative=rep, jv=venture)
    return user


def make_demand(jv, raised_by, **data):
    """A demand raised through the service (routed, with deadlines and a timeline), as in the portal."""
    from demands.services import demand_raise

    at = data.pop("at", None)
    attachment = data.pop("attachment", None)
    fields = {
        "jv": jv,
        "title": "需求",
        "description": "说明",
        "category": "market",
        "priority": "normal",
        "source": "direct",
        "source_note": "",
        **data,
    }
    return demand_raise(actor=raised_by, data=fields, attachment=attachment, at=at)

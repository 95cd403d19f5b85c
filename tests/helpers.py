"""Helpers shared by the tests: what a browser would POST, and a snapshot of the registry's rows."""

import datetime
from decimal import Decimal

from django.apps import apps
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from ventures.validators import USCC_ALPHABET, uscc_check_character

# Every model a portal page can change, with its history table.
REGISTRY_MODELS = (
    "ventures.Party",
    "ventures.JointVenture",
    "ventures.Shareholding",
    "ventures.AnnualIndicators",
    "representatives.Representative",
    "representatives.Appointment",
)


def form_data(form) -> dict:
    """The POST data a browser sends for ``form`` as rendered (disabled fields are not sent)."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        key = form.add_prefix(name)
        if value is None or value is False:
            continue
        if value is True:
            data[key] = "on"
        elif isinstance(value, list | tuple):
            data[key] = [str(v) for v in value]
        elif isinstance(value, datetime.date):
            data[key] = value.isoformat()
        else:
            data[key] = str(value)
    return data


def rendered_form_data(client, url: str, **changes) -> dict:
    """GET ``url`` and return its form's POST data with ``changes`` applied."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    data = form_data(response.context["form"])
    data.update({key: str(value) if not isinstance(value, list) else value for key, value in changes.items()})
    return data


def db_snapshot() -> dict:
    """Every row (all columns) of the registry and of its history, to prove nothing changed."""
    snapshot = {}
    for label in REGISTRY_MODELS:
        model = apps.get_model(label)
        snapshot[label] = list(model._default_manager.order_by("pk").values())
        snapshot[f"{label} history"] = model.history.count()
    return snapshot


def error_codes(form, field: str) -> list[str]:
    """The codes of the errors ``form`` shows on ``field``."""
    return [error.code for error in form.errors.as_data().get(field, [])]


def with_wrong_check_character(code: str) -> str:
    """``code`` with its 18th character replaced by another valid character."""
    right = uscc_check_character(code[:17])
    wrong = next(ch for ch in USCC_ALPHABET if ch != right)
    return code[:17] + wrong


def venture_post_data(department, **overrides) -> dict:
    """A complete, valid POST for the JV form."""
    from tests.factories import valid_uscc

    data = {
        "name": "新合资公司",
        "name_en": "New Venture Co., Ltd.",
        "uscc": valid_uscc(),
        "established_on": "2020-05-01",
        "status": "operating",
        "industry": "cables",
        "strategic_tier": "important",
        "district": "滨海新区",
        "registered_capital": "5000000.00",
        "currency": "CNY",
        "headcount": "120",
        "department": str(department.pk),
        "main_products": "电缆",
        "reserved_matters": ["budget", "capital_change"],
        "notes": "",
    }
    data.update(overrides)
    return data


def indicators_post_data(**overrides) -> dict:
    data = {
        "year": "2023",
        "revenue": "1200.50",
        "net_profit": "-35.20",
        "tax_paid": "60",
        "dividends_declared": "0",
        "dividends_received": "0",
        "new_investment": "15",
        "headcount": "88",
    }
    data.update(overrides)
    return data


def label(model, field: str) -> str:
    """A field's label as the history shows it."""
    return str(model._meta.get_field(field).verbose_name)


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def dec(value) -> Decimal:
    return Decimal(str(value))


def totp_code(device) -> str:
    """The code an authenticator app shows now for ``device``; the device accepts it however
    recently it took one (``last_t`` reset), so a test may sign in several times within one step."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def two_factor_enrol(user):
    """Turn two-factor sign-in on for ``user`` as enrolment does; return the device and the
    recovery codes."""
    from accounts import services

    device = services.two_factor_enrol_start(user=user)
    return services.two_factor_enrol_confirm(user=user, code=totp_code(device))

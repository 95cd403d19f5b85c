"""Every validation rule of the registry, through the portal's forms (as HQ) and through the services.

A refused form comes back with status 200, the error on the field a person can fix, and nothing
saved: no row, no changed value, no history entry.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from core.services import CONCURRENT_EDIT_MESSAGE, ConcurrentEditError, versioned_update
from representatives import services as rep_services
from tests import factories as f
from tests.helpers import (
    db_snapshot,
    error_codes,
    form_data,
    indicators_post_data,
    rendered_form_data,
    venture_post_data,
    with_wrong_check_character,
)
from ventures import services
from ventures.models import AnnualIndicators, JointVenture, Party
from ventures.validators import uscc_check_character, validate_uscc


@pytest.fixture
def department(db):
    return f.DepartmentFactory(code="jv", name="合资合作部", name_en="JV Department")


@pytest.fixture
def venture(db):
    """A JV where the group holds 40% and 60% is free."""
    jv = f.JointVentureFactory(name="校验合资公司", name_en="Validation Venture")
    group = f.PartyFactory(name="集团", name_en="Group", kind="group", country="CN")
    f.ShareholdingFactory(jv=jv, party=group, percentage=Decimal("40"))
    return jv


def lettered_uscc(n: int = 1) -> str:
    """A valid code with letters in it, so that case matters."""
    first17 = f"91120116MA0{n:02d}XY{n:02d}"[:17].ljust(17, "1")
    return first17 + uscc_check_character(first17)


def assert_refused(response, field, before, code=None):
    """The form came back (200) with an error on ``field`` and the database is as before."""
    assert response.status_code == 200, response.get("Location")
    form = response.context["form"]
    assert field in form.errors, form.errors
    if code is not None:
        assert code in error_codes(form, field), form.errors.as_data()
    assert db_snapshot() == before


# --- Unified social credit code -----------------------------------------------------------------


def test_the_code_generator_of_the_tests_makes_valid_codes():
    validate_uscc(f.valid_uscc())
    validate_uscc(lettered_uscc())


def test_a_valid_code_is_accepted(hq_client, department):
    code = lettered_uscc(3)
    response = hq_client.post(reverse("ventures:venture_create"), venture_post_data(department, uscc=code))
    assert response.status_code == 302
    assert JointVenture.objects.get(name="新合资公司").uscc == code


def _bad_codes():
    good = lettered_uscc(4)
    yield pytest.param(with_wrong_check_character(good), "uscc_checksum", id="wrong-check-character")
    yield pytest.param(good[:17], "uscc_length", id="17-characters")
    for ch in "IOSVZ":
        code = good[:10] + ch + good[11:]
        yield pytest.param(code, "uscc_characters", id=f"forbidden-{ch}")


@pytest.mark.parametrize(("code", "error"), list(_bad_codes()))
def test_a_bad_code_is_refused_by_the_form(code, error, hq_client, department):
    before = db_snapshot()
    response = hq_client.post(reverse("ventures:venture_create"), venture_post_data(department, uscc=code))
    assert_refused(response, "uscc", before, code=error)


@pytest.mark.parametrize(("code", "error"), list(_bad_codes()))
def test_a_bad_code_is_refused_by_the_service(code, error, hq, department):
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.venture_create(
            actor=hq,
            data={
                "name": "X",
                "uscc": code,
                "registered_capital": 1,
                "industry": "other",
                "department": department,
            },
        )
    assert "uscc" in exc.value.message_dict
    assert error in [e.code for e in exc.value.error_dict["uscc"]]
    assert db_snapshot() == before


def test_a_19_character_code_is_refused(hq_client, department):
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:venture_create"), venture_post_data(department, uscc=lettered_uscc() + "1")
    )
    assert_refused(response, "uscc", before)


def test_a_bad_code_is_refused_on_edit(hq_client, venture):
    url = reverse("ventures:venture_update", args=[venture.pk])
    data = rendered_form_data(hq_client, url, uscc=with_wrong_check_character(venture.uscc))
    before = db_snapshot()
    assert_refused(hq_client.post(url, data), "uscc", before, code="uscc_checksum")


def test_a_lowercase_code_is_stored_in_capitals(hq_client, hq, department):
    code = lettered_uscc(5)
    response = hq_client.post(
        reverse("ventures:venture_create"), venture_post_data(department, uscc=code.lower())
    )
    assert response.status_code == 302
    assert JointVenture.objects.get(name="新合资公司").uscc == code
    other = lettered_uscc(6)
    venture = services.venture_create(
        actor=hq,
        data={
            "name": "Y",
            "uscc": other.lower(),
            "registered_capital": 1,
            "industry": "other",
            "department": department,
        },
    )
    venture.refresh_from_db()
    assert venture.uscc == other


def _spaced(code: str) -> str:
    """The code as often printed on a licence: in groups, with spaces."""
    return f" {code[:2]} {code[2:8]} {code[8:17]} {code[17]} ".lower()


def test_a_code_with_spaces_is_accepted_by_the_form(hq_client, department):
    code = lettered_uscc(7)
    response = hq_client.post(
        reverse("ventures:venture_create"), venture_post_data(department, uscc=_spaced(code))
    )
    assert response.status_code == 302, response.context["form"].errors
    assert JointVenture.objects.get(name="新合资公司").uscc == code


def test_a_code_with_spaces_is_accepted_by_the_service(hq, department):
    code = lettered_uscc(8)
    venture = services.venture_create(
        actor=hq,
        data={
            "name": "Z",
            "uscc": _spaced(code),
            "registered_capital": 1,
            "industry": "other",
            "department": department,
        },
    )
    venture.refresh_from_db()
    assert venture.uscc == code


def test_a_code_another_venture_has_is_refused(hq_client, venture, department):
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:venture_create"), venture_post_data(department, uscc=venture.uscc.lower())
    )
    assert_refused(response, "uscc", before, code="unique")


# --- Amounts of a joint venture ----------------------------------------------------------------


@pytest.mark.parametrize(("field", "value"), [("registered_capital", "-1"), ("headcount", "-3")])
def test_negative_figures_of_a_venture_are_refused_by_the_form(field, value, hq_client, department):
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:venture_create"), venture_post_data(department, **{field: value})
    )
    assert_refused(response, field, before, code="min_value")


def test_negative_registered_capital_is_refused_on_edit(hq_client, venture):
    url = reverse("ventures:venture_update", args=[venture.pk])
    data = rendered_form_data(hq_client, url, registered_capital="-0.01")
    before = db_snapshot()
    assert_refused(hq_client.post(url, data), "registered_capital", before)


def test_negative_registered_capital_is_refused_by_the_service(hq, venture):
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.venture_update(
            venture=venture,
            actor=hq,
            data={"registered_capital": Decimal("-5")},
            expected_version=venture.version,
        )
    assert "registered_capital" in exc.value.message_dict
    assert db_snapshot() == before


def test_unknown_reserved_matters_are_refused(hq_client, hq, venture, department):
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:venture_create"),
        venture_post_data(department, reserved_matters=["budget", "nonsense"]),
    )
    assert_refused(response, "reserved_matters", before)
    with pytest.raises(ValidationError) as exc:
        services.venture_update(venture=venture, actor=hq, data={"reserved_matters": ["nonsense"]})
    assert "reserved_matters" in exc.value.message_dict
    assert db_snapshot() == before


# --- Shareholdings ------------------------------------------------------------------------------


@pytest.fixture
def partner(db):
    return f.PartyFactory(name="外方", name_en="Partner AG", country="DE")


@pytest.mark.parametrize("percentage", ["0", "-5", "100.001", "101", "10.0001"])
def test_a_percentage_out_of_range_is_refused(percentage, hq_client, venture, partner):
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:shareholding_create", args=[venture.pk]),
        {"party": partner.pk, "percentage": percentage},
    )
    assert_refused(response, "percentage", before)


@pytest.mark.parametrize("percentage", ["0", "-5", "100.001"])
def test_a_percentage_out_of_range_is_refused_by_the_service(percentage, hq, venture, partner):
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.shareholding_create(
            venture=venture, actor=hq, data={"party": partner, "percentage": Decimal(percentage)}
        )
    assert "percentage" in exc.value.message_dict
    assert db_snapshot() == before


def test_the_last_free_percent_can_be_taken(hq_client, venture, partner):
    response = hq_client.post(
        reverse("ventures:shareholding_create", args=[venture.pk]), {"party": partner.pk, "percentage": "60"}
    )
    assert response.status_code == 302
    assert sum(s.percentage for s in venture.shareholdings.all()) == 100


def test_a_total_over_100_is_refused_on_percentage(hq_client, venture, partner):
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:shareholding_create", args=[venture.pk]),
        {"party": partner.pk, "percentage": "60.5"},
    )
    assert_refused(response, "percentage", before, code="total_over_100")


def test_the_total_over_100_message_gives_plain_figures(hq_client, venture, partner):
    response = hq_client.post(
        reverse("ventures:shareholding_create", args=[venture.pk]), {"party": partner.pk, "percentage": "70"}
    )
    message = response.context["form"].errors["percentage"][0]
    assert "110%" in message
    assert "at most 60% is still free" in message


def test_a_total_over_100_is_refused_on_edit(hq_client, venture, partner):
    holding = f.ShareholdingFactory(jv=venture, party=partner, percentage=Decimal("50"))
    url = reverse("ventures:shareholding_update", args=[venture.pk, holding.pk])
    data = rendered_form_data(hq_client, url, percentage="61")
    before = db_snapshot()
    assert_refused(hq_client.post(url, data), "percentage", before, code="total_over_100")
    # Editing a row counts it once: 40 + 60 is fine.
    data = rendered_form_data(hq_client, url, percentage="60")
    assert hq_client.post(url, data).status_code == 302


def test_a_total_over_100_is_refused_by_the_services(hq, venture, partner):
    holding = services.shareholding_create(
        venture=venture, actor=hq, data={"party": partner, "percentage": Decimal("50")}
    )
    third = f.PartyFactory()
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.shareholding_create(
            venture=venture, actor=hq, data={"party": third, "percentage": Decimal("10.001")}
        )
    assert [e.code for e in exc.value.error_dict["percentage"]] == ["total_over_100"]
    with pytest.raises(ValidationError) as exc:
        services.shareholding_update(
            shareholding=holding,
            actor=hq,
            data={"percentage": Decimal("60.001")},
            expected_version=holding.version,
        )
    assert "percentage" in exc.value.message_dict
    assert db_snapshot() == before


def test_the_same_shareholder_twice_is_refused_on_party(hq_client, hq, venture):
    group = venture.shareholdings.get().party
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:shareholding_create", args=[venture.pk]), {"party": group.pk, "percentage": "10"}
    )
    assert_refused(response, "party", before, code="duplicate_party")
    with pytest.raises(ValidationError) as exc:
        services.shareholding_create(
            venture=venture, actor=hq, data={"party": group, "percentage": Decimal("1")}
        )
    assert "party" in exc.value.message_dict
    assert db_snapshot() == before


def test_negative_subscribed_capital_is_refused(hq_client, hq, venture, partner):
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:shareholding_create", args=[venture.pk]),
        {"party": partner.pk, "percentage": "10", "subscribed_capital": "-1"},
    )
    assert_refused(response, "subscribed_capital", before, code="min_value")
    with pytest.raises(ValidationError) as exc:
        services.shareholding_create(
            venture=venture,
            actor=hq,
            data={"party": partner, "percentage": Decimal("10"), "subscribed_capital": Decimal("-1")},
        )
    assert "subscribed_capital" in exc.value.message_dict
    assert db_snapshot() == before


# --- Annual indicators --------------------------------------------------------------------------

NON_NEGATIVE = [
    "revenue",
    "tax_paid",
    "dividends_declared",
    "dividends_received",
    "new_investment",
    "headcount",
]


@pytest.mark.parametrize("field", NON_NEGATIVE)
def test_negative_indicators_are_refused(field, hq_client, venture):
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:indicators_create", args=[venture.pk]), indicators_post_data(**{field: "-1"})
    )
    assert_refused(response, field, before, code="min_value")


@pytest.mark.parametrize("field", [f for f in AnnualIndicators.AMOUNT_FIELDS if f != "net_profit"])
def test_negative_indicators_are_refused_by_the_service(field, hq, venture):
    data = {k: Decimal(v) for k, v in indicators_post_data(**{field: "-1"}).items() if k != "headcount"}
    data["year"] = 2023
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        services.indicators_create(venture=venture, actor=hq, data=data)
    assert field in exc.value.message_dict
    assert db_snapshot() == before


def test_a_net_loss_is_accepted(hq_client, venture):
    response = hq_client.post(
        reverse("ventures:indicators_create", args=[venture.pk]), indicators_post_data(net_profit="-35.20")
    )
    assert response.status_code == 302
    assert venture.indicators.get(year=2023).net_profit == Decimal("-35.20")


@pytest.mark.parametrize("year", ["1977", "2101"])
def test_a_year_out_of_range_is_refused(year, hq_client, venture):
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:indicators_create", args=[venture.pk]), indicators_post_data(year=year)
    )
    assert_refused(response, "year", before)


def test_a_second_row_for_the_same_year_is_refused_on_year(hq_client, hq, venture):
    f.AnnualIndicatorsFactory(jv=venture, year=2023)
    before = db_snapshot()
    response = hq_client.post(
        reverse("ventures:indicators_create", args=[venture.pk]), indicators_post_data(year="2023")
    )
    assert_refused(response, "year", before, code="duplicate_year")
    with pytest.raises(ValidationError) as exc:
        services.indicators_create(
            venture=venture,
            actor=hq,
            data={"year": 2023, **{k: Decimal(1) for k in AnnualIndicators.AMOUNT_FIELDS}},
        )
    assert "year" in exc.value.message_dict
    assert db_snapshot() == before


def test_moving_indicators_onto_a_taken_year_is_refused(hq_client, venture):
    f.AnnualIndicatorsFactory(jv=venture, year=2023)
    row = f.AnnualIndicatorsFactory(jv=venture, year=2024)
    url = reverse("ventures:indicators_update", args=[venture.pk, row.pk])
    data = rendered_form_data(hq_client, url, year="2023")
    before = db_snapshot()
    assert_refused(hq_client.post(url, data), "year", before, code="duplicate_year")


def test_the_same_year_in_another_venture_is_fine(hq_client, venture):
    f.AnnualIndicatorsFactory(year=2023)
    response = hq_client.post(
        reverse("ventures:indicators_create", args=[venture.pk]), indicators_post_data(year="2023")
    )
    assert response.status_code == 302


# --- Appointments -------------------------------------------------------------------------------


@pytest.fixture
def person(db):
    return f.RepresentativeFactory(name="王五", name_en="Wang Wu")


def _appointment(venture, **overrides):
    data = {
        "jv": str(venture.pk),
        "role": "director",
        "start_date": "2025-01-01",
        "term_end": "",
        "end_date": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"term_end": "2025-01-01"}, "term_end"),
        ({"term_end": "2024-12-31"}, "term_end"),
        ({"end_date": "2024-12-31"}, "end_date"),
    ],
)
def test_appointment_dates_out_of_order_are_refused(overrides, field, hq_client, hq, venture, person):
    before = db_snapshot()
    response = hq_client.post(
        reverse("representatives:appointment_create", args=[person.pk]), _appointment(venture, **overrides)
    )
    assert_refused(response, field, before)
    data = {
        "jv": venture,
        "role": "director",
        "start_date": datetime.date(2025, 1, 1),
        **{k: datetime.date.fromisoformat(v) for k, v in overrides.items()},
    }
    with pytest.raises(ValidationError) as exc:
        rep_services.appointment_create(representative=person, actor=hq, data=data)
    assert field in exc.value.message_dict
    assert db_snapshot() == before


def test_an_appointment_may_end_on_its_first_day(hq_client, venture, person):
    response = hq_client.post(
        reverse("representatives:appointment_create", args=[person.pk]),
        _appointment(venture, term_end="2025-01-02", end_date="2025-01-01"),
    )
    assert response.status_code == 302
    assert person.appointments.get().end_date == datetime.date(2025, 1, 1)


def test_ending_an_appointment_before_it_started_is_refused_on_edit(hq_client, venture, person):
    appointment = f.AppointmentFactory(representative=person, jv=venture)
    url = reverse("representatives:appointment_update", args=[person.pk, appointment.pk])
    data = rendered_form_data(hq_client, url, end_date="2023-12-31")
    before = db_snapshot()
    assert_refused(hq_client.post(url, data), "end_date", before)


def test_an_appointment_cannot_move_to_another_venture(hq_client, hq, venture, person):
    appointment = f.AppointmentFactory(representative=person, jv=venture)
    elsewhere = f.JointVentureFactory()
    before = db_snapshot()
    with pytest.raises(ValidationError) as exc:
        rep_services.appointment_update(appointment=appointment, actor=hq, data={"jv": elsewhere})
    assert "jv" in exc.value.message_dict
    assert db_snapshot() == before


def test_the_appointment_form_ignores_a_changed_venture(hq_client, venture, person):
    """The JV field is disabled on edit: a forged value is ignored, the rest is saved."""
    appointment = f.AppointmentFactory(representative=person, jv=venture)
    elsewhere = f.JointVentureFactory()
    url = reverse("representatives:appointment_update", args=[person.pk, appointment.pk])
    data = rendered_form_data(hq_client, url, jv=str(elsewhere.pk), notes="moved")
    assert hq_client.post(url, data).status_code == 302
    appointment.refresh_from_db()
    assert (appointment.jv, appointment.notes) == (venture, "moved")


# --- Optimistic locking -------------------------------------------------------------------------


def _locking_cases():
    """(url name, how to find the object, URL args, the field HQ edits, a concurrent service edit)."""
    yield pytest.param(
        "ventures:venture_update",
        lambda p: p["own"],
        lambda p, o: [o.pk],
        "name_en",
        lambda o, actor: services.venture_update(
            venture=o, actor=actor, data={"name_en": "Concurrent"}, expected_version=o.version
        ),
        id="venture",
    )
    yield pytest.param(
        "ventures:party_update",
        lambda p: p["own_partner"],
        lambda p, o: [o.pk],
        "name_en",
        lambda o, actor: services.party_update(
            party=o, actor=actor, data={"name_en": "Concurrent"}, expected_version=o.version
        ),
        id="party",
    )
    yield pytest.param(
        "ventures:shareholding_update",
        lambda p: p["holdings"]["own_partner"],
        lambda p, o: [o.jv_id, o.pk],
        "notes",
        lambda o, actor: services.shareholding_update(
            shareholding=o, actor=actor, data={"notes": "Concurrent"}, expected_version=o.version
        ),
        id="shareholding",
    )
    yield pytest.param(
        "ventures:indicators_update",
        lambda p: p["indicators"]["own"],
        lambda p, o: [o.jv_id, o.pk],
        "revenue",
        lambda o, actor: services.indicators_update(
            indicators=o, actor=actor, data={"revenue": Decimal("777")}, expected_version=o.version
        ),
        id="indicators",
    )
    yield pytest.param(
        "representatives:representative_update",
        lambda p: p["rep_profile"],
        lambda p, o: [o.pk],
        "name_en",
        lambda o, actor: rep_services.representative_update(
            representative=o, actor=actor, data={"name_en": "Concurrent"}, expected_version=o.version
        ),
        id="representative",
    )
    yield pytest.param(
        "representatives:appointment_update",
        lambda p: p["own_appointment"],
        lambda p, o: [o.representative_id, o.pk],
        "notes",
        lambda o, actor: rep_services.appointment_update(
            appointment=o, actor=actor, data={"notes": "Concurrent"}, expected_version=o.version
        ),
        id="appointment",
    )


STALE_VALUES = {"name_en": "Stale edit", "notes": "Stale edit", "revenue": "123.45"}


def _stale_post(name, get_object, args, field, concurrent, portfolio, hq, client):
    obj = get_object(portfolio)
    url = reverse(name, args=args(portfolio, obj))
    data = rendered_form_data(client, url, **{field: STALE_VALUES[field]})
    assert data["version"] == str(obj.version)
    colleague = f.make_user("hq_staff", username="colleague")
    concurrent(obj, colleague)
    before = db_snapshot()
    response = client.post(url, data)
    return obj, url, response, before


@pytest.mark.parametrize(("name", "get_object", "args", "field", "concurrent"), list(_locking_cases()))
def test_a_stale_form_is_refused_and_keeps_the_input(
    name, get_object, args, field, concurrent, portfolio, hq, hq_client
):
    obj, _url, response, before = _stale_post(
        name, get_object, args, field, concurrent, portfolio, hq, hq_client
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert str(CONCURRENT_EDIT_MESSAGE) in form.non_field_errors()
    assert str(CONCURRENT_EDIT_MESSAGE) in response.content.decode()
    # The person's input is still in the form ...
    assert str(form[field].value()) == STALE_VALUES[field]
    # ... and the colleague's edit is still in the database.
    assert db_snapshot() == before
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    assert fresh.version == obj.version + 1
    assert str(getattr(fresh, field)) in ("Concurrent", "777.00")


@pytest.mark.parametrize(("name", "get_object", "args", "field", "concurrent"), list(_locking_cases()))
def test_saving_again_after_a_refusal_goes_through(
    name, get_object, args, field, concurrent, portfolio, hq, hq_client
):
    """The message says "save again": the refused form carries the current version, so it can."""
    obj, url, response, _before = _stale_post(
        name, get_object, args, field, concurrent, portfolio, hq, hq_client
    )
    assert response.context["form"]["version"].value() == obj.version + 1
    again = hq_client.post(url, form_data(response.context["form"]))
    assert again.status_code == 302, again.context["form"].errors
    fresh = type(obj)._default_manager.get(pk=obj.pk)
    assert str(getattr(fresh, field)) == STALE_VALUES[field]


def test_versioned_update_refuses_a_stale_version(hq):
    party = f.PartyFactory(name_en="Before")
    with transaction.atomic():
        updated = versioned_update(instance=party, actor=hq, data={"name_en": "First"}, expected_version=1)
    assert updated.version == 2
    with pytest.raises(ConcurrentEditError) as exc, transaction.atomic():
        versioned_update(instance=party, actor=hq, data={"name_en": "Second"}, expected_version=1)
    assert exc.value.code == "concurrent_edit"
    party.refresh_from_db()
    assert (party.name_en, party.version) == ("First", 2)
    assert party.history.count() == 2


@pytest.mark.parametrize(
    "call",
    [
        lambda p, hq: services.venture_update(
            venture=p["own"], actor=hq, data={"name_en": "X"}, expected_version=0
        ),
        lambda p, hq: services.shareholding_update(
            shareholding=p["holdings"]["own_group"], actor=hq, data={"notes": "X"}, expected_version=0
        ),
        lambda p, hq: rep_services.appointment_update(
            appointment=p["own_appointment"], actor=hq, data={"notes": "X"}, expected_version=0
        ),
    ],
    ids=["venture", "shareholding", "appointment"],
)
def test_services_refuse_a_stale_version(call, portfolio, hq):
    before = db_snapshot()
    with pytest.raises(ConcurrentEditError):
        call(portfolio, hq)
    assert db_snapshot() == before


def test_every_save_through_a_service_bumps_the_version(hq):
    party = services.party_create(actor=hq, data={"name": "甲", "kind": "foreign", "country": "DE"})
    assert party.version == 1
    party = services.party_update(party=party, actor=hq, data={"notes": "a"}, expected_version=1)
    party = services.party_update(party=party, actor=hq, data={"notes": "b"}, expected_version=2)
    assert Party.objects.get(pk=party.pk).version == 3
    assert party.history.count() == 3


def test_a_client_without_a_logged_in_user_cannot_post(venture):
    """Forms are only for logged-in editors: an anonymous POST is sent to the login page."""
    before = db_snapshot()
    response = Client().post(reverse("ventures:venture_update", args=[venture.pk]), {"name": "x"})
    assert response.status_code == 302
    assert db_snapshot() == before

"""Writes on users: their language and their two-factor sign-in."""

import math
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.security_log import security_event
from core.services import lock_row, require, save_with_history

from .models import User
from .selectors import recovery_codes_left
from .two_factor import required_for


def user_set_language(*, user: User, language: str) -> User:
    """Remember the portal language a user chose."""
    with transaction.atomic():
        user.language = language
        return save_with_history(instance=user, actor=user, update_fields=["language"])


# --- Two-factor sign-in (accounts/two_factor.py) ------------------------------------------------
#
# A code is checked inside a transaction that locks its device; a wrong one counts against the
# device's throttle (django-otp: 1, 2, 4 ... seconds before the next try), and that count is
# committed before the refusal is raised, so that retrying cannot undo it.

TOTP_CODE = re.compile(r"^\d{6}$")
# Device names (data, never shown): the authenticator app and the set of recovery codes.
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def normalize_code(code: str) -> str:
    """A code as typed: spaces and dashes (recovery codes are shown as ``abcd-efgh``) dropped."""
    return re.sub(r"[\s-]", "", code or "").lower()


def _refusal(failure: str, device) -> ValidationError:
    if failure == "throttled":
        _allowed, info = device.verify_is_allowed()
        until = (info or {}).get("locked_until")
        seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
        return ValidationError(
            ngettext(
                "Too many wrong codes. Try again in %(seconds)d second.",
                "Too many wrong codes. Try again in %(seconds)d seconds.",
                seconds,
            ),
            code="throttled",
            params={"seconds": seconds},
        )
    if failure == "missing":
        return ValidationError(
            _("The set-up was cancelled or has already finished. Start it again."), code="missing"
        )
    return ValidationError(
        _(
            "This code is not valid. Check it, or wait for the next one (each code works once), and try again."
        ),
        code="wrong",
    )


def _check_code(device, code: str) -> str | None:
    """Check ``code`` on a locked ``device``: None when it matches, else why not."""
    if device is None:
        return "wrong"
    allowed, _info = device.verify_is_allowed()
    if not allowed:
        return "throttled"
    return None if device.verify_token(code) else "wrong"


def _device_for_code(user: User, code: str):
    """The user's device a code is meant for, locked: six digits are the app's, anything else a
    recovery code. Returns (device or None, "totp" or "recovery")."""
    if TOTP_CODE.match(code):
        model, kind = TOTPDevice, "totp"
    else:
        model, kind = StaticDevice, "recovery"
    device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("pk").first()
    return device, kind


def _recovery_codes_replace(user: User) -> list[str]:
    """Replace the user's recovery codes with fresh ones; return them (they are shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(settings.PORTAL_2FA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _delete_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def two_factor_enrol_start(*, user: User) -> TOTPDevice:
    """The authenticator being set up for ``user`` (made on the first visit, the same one after):
    unconfirmed, so it counts for nothing until a code from it is confirmed."""
    with transaction.atomic():
        lock_row(User, user.pk)
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise ValidationError(_("Two-factor sign-in is already on."), code="enrolled")
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice(user=user, name=TOTP_NAME, confirmed=False)
            device.full_clean()
            device.save()
        return device


def two_factor_enrol_confirm(*, user: User, code: str, request=None) -> tuple[TOTPDevice, list[str]]:
    """Turn two-factor sign-in on with the first right code from the app being set up; return the
    device and the new recovery codes."""
    code = normalize_code(code)
    with transaction.atomic():
        lock_row(User, user.pk)
        device = (
            TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
        )
        failure = "missing" if device is None else _check_code(device, code)
        if failure is None:
            TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            codes = _recovery_codes_replace(user)
    if failure is not None:
        security_event("otp_failed", request=request, user=user, stage="enrol", reason=failure)
        raise _refusal(failure, device)
    security_event("otp_enrolled", request=request, user=user, recovery_codes=len(codes))
    return device, codes


def two_factor_verify(*, user: User, code: str, request=None):
    """The second step of signing in: return the device that accepted ``code`` (the app's code or
    a recovery code, which is used up), or refuse it."""
    code = normalize_code(code)
    with transaction.atomic():
        device, kind = _device_for_code(user, code)
        failure = _check_code(device, code)
        left = recovery_codes_left(user=user) if failure is None and kind == "recovery" else None
    if failure is not None:
        security_event("otp_failed", request=request, user=user, stage="sign_in", factor=kind, reason=failure)
        raise _refusal(failure, device)
    if kind == "recovery":
        security_event("otp_recovery_used", request=request, user=user, recovery_codes_left=left)
    else:
        security_event("otp_verified", request=request, user=user, factor=kind)
    return device


def two_factor_recovery_regenerate(*, user: User, code: str, request=None) -> list[str]:
    """New recovery codes for ``user``, the old ones void, confirmed by a current code."""
    code = normalize_code(code)
    with transaction.atomic():
        lock_row(User, user.pk)
        device, kind = _device_for_code(user, code)
        failure = _check_code(device, code)
        if failure is None:
            codes = _recovery_codes_replace(user)
    if failure is not None:
        security_event(
            "otp_failed", request=request, user=user, stage="recovery_codes", factor=kind, reason=failure
        )
        raise _refusal(failure, device)
    security_event("otp_recovery_regenerated", request=request, user=user, recovery_codes=len(codes))
    return codes


def two_factor_disable(*, user: User, code: str, request=None) -> None:
    """Turn the user's own two-factor sign-in off, confirmed by a current code (the password is the
    form's to check). Refused where it is required."""
    if required_for(user):
        raise ValidationError(
            _("Two-factor sign-in is required for staff accounts and cannot be turned off."),
            code="required",
        )
    code = normalize_code(code)
    with transaction.atomic():
        lock_row(User, user.pk)
        device, kind = _device_for_code(user, code)
        failure = _check_code(device, code)
        if failure is None:
            _delete_devices(user)
    if failure is not None:
        security_event("otp_failed", request=request, user=user, stage="disable", factor=kind, reason=failure)
        raise _refusal(failure, device)
    security_event("otp_disabled", request=request, user=user)


def two_factor_reset(*, user: User, actor: User, request=None) -> bool:
    """An administrator removes ``user``'s authenticator and recovery codes (a lost phone): the
    user signs in with the password alone, or enrols again where it is required. Returns whether
    there was anything to remove."""
    require(actor.is_active and actor.is_staff and actor.has_perm("accounts.change_user"))
    with transaction.atomic():
        lock_row(User, user.pk)
        had = TOTPDevice.objects.filter(user=user).exists() or StaticDevice.objects.filter(user=user).exists()
        _delete_devices(user)
    if had:
        security_event(
            "otp_reset_by_admin",
            request=request,
            user=actor,
            target_user_id=user.pk,
            target_username=user.get_username(),
        )
    return had

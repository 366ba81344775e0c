"""Test helpers: sign a user in with a verified second factor (treem.accounts.otp), and read the code an
authenticator app would show (for tests that type it, in a form or a browser)."""

from __future__ import annotations

import time
from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from .otp import ensure_totp_device


def sign_in_with_factor(client: Any, user: Any) -> TOTPDevice:
    """Log `user` into the test `client` as if it had entered a valid TOTP code: a confirmed device
    (made if missing), then the session marked verified by it, as `django_otp.login` does."""
    device = ensure_totp_device(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


def current_code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The code the app shows now (`steps_ahead=1`: the next 30 s step's, also accepted; a code is accepted
    once, so a test verifying twice within 30 s uses the next one the second time)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return str(totp.token()).zfill(device.digits)


def code_for_key(key_hex: str, steps_ahead: int = 0) -> str:
    """The code of a hex key (the demo's published one) now: what a browser test types."""
    return current_code(TOTPDevice(key=key_hex), steps_ahead)

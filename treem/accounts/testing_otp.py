"""Test helper (placeholder, being written): sign a user in with a verified second factor."""

from typing import Any


def sign_in_with_factor(client: Any, user: Any) -> None:
    """Log `user` into the test `client` as if they had entered a valid TOTP code."""
    client.force_login(user)

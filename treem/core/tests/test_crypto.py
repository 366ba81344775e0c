"""Encryption at rest (Fernet, rotating keys), the encrypted text field, blind indexes."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from treem.core import crypto
from treem.core.crypto import (
    DecryptionError,
    EncryptedTextField,
    blind_index,
    decrypt,
    encrypt,
    normalise,
    rotate,
)

KEY_A = Fernet.generate_key().decode()
KEY_B = Fernet.generate_key().decode()
INDEX_KEY = "k" * 40
NAME = "Nguyễn Thị Ánh Tuyết, 7 tuổi, trú tại phường Vĩnh Ninh"

deployed = override_settings(DEBUG=False, SECRET_KEY_FROM_ENVIRONMENT=True)


def test_vietnamese_text_comes_back_unchanged_and_the_token_hides_it():
    token = encrypt(NAME)

    assert decrypt(token) == NAME
    assert "Nguy" not in token and "Tuy" not in token
    assert encrypt(NAME) != token  # every encryption differs


@given(st.text())
def test_any_text_round_trips(text):
    assert decrypt(encrypt(text)) == text


def test_old_values_open_after_a_new_key_is_put_first_and_rotate_moves_them_to_it():
    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_A]):
        under_a = encrypt(NAME)

    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        assert decrypt(under_a) == NAME
        under_b = rotate(under_a)

    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_B]):
        assert decrypt(under_b) == NAME
    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_A]), pytest.raises(DecryptionError):
        decrypt(under_b)


def test_new_values_use_the_newest_key():
    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        token = encrypt(NAME)

    assert Fernet(KEY_B.encode()).decrypt(token.encode()).decode() == NAME


@pytest.mark.parametrize("token", ["", "not a token", "gAAAAAB" + "x" * 80, "Nguyễn"])
def test_a_value_no_key_opens_raises_a_clear_error(token):
    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_A]), pytest.raises(DecryptionError, match="No key"):
        decrypt(token)


def test_a_value_under_a_removed_key_cannot_be_rotated():
    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_A]):
        under_a = encrypt(NAME)
    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_B]), pytest.raises(DecryptionError):
        rotate(under_a)


def test_keys_are_read_from_a_comma_separated_string_too():
    with override_settings(TREEM_ENCRYPTION_KEYS=f" {KEY_B} , {KEY_A} "):
        assert crypto.keys() == [KEY_B.encode(), KEY_A.encode()]


def test_without_keys_development_derives_one_stable_local_key():
    with override_settings(TREEM_ENCRYPTION_KEYS=[]):
        first = crypto.keys()
        token = encrypt(NAME)

        assert crypto.keys() == first and len(first) == 1
        assert decrypt(token) == NAME
        Fernet(first[0])  # a valid key


def test_a_deployed_server_without_keys_refuses():
    with deployed, override_settings(TREEM_ENCRYPTION_KEYS=[]):
        with pytest.raises(ImproperlyConfigured, match="TREEM_ENCRYPTION_KEYS"):
            encrypt(NAME)


def test_a_malformed_key_is_refused_without_being_echoed():
    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_A, "short-secret"]):
        with pytest.raises(ImproperlyConfigured, match="key 2") as raised:
            crypto.keys()

    assert "short-secret" not in str(raised.value)


def test_the_field_stores_a_token_and_gives_back_the_plain_text():
    field = EncryptedTextField()
    field.set_attributes_from_name("child_name")

    stored = field.get_prep_value(NAME)

    assert stored != NAME and "Nguy" not in stored and "Vĩnh" not in stored
    assert field.from_db_value(stored, None, None) == NAME


@pytest.mark.parametrize("empty", ["", None])
def test_the_field_keeps_empty_and_null_as_they_are(empty):
    field = EncryptedTextField(null=True)

    assert field.get_prep_value(empty) == empty
    assert field.from_db_value(empty, None, None) == empty


def test_the_field_names_itself_when_a_stored_value_cannot_be_opened():
    field = EncryptedTextField()
    field.set_attributes_from_name("child_name")
    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_A]):
        stored = field.get_prep_value(NAME)

    with override_settings(TREEM_ENCRYPTION_KEYS=[KEY_B]), pytest.raises(DecryptionError, match="child_name"):
        field.from_db_value(stored, None, None)


def test_the_field_only_allows_null_lookups():
    field = EncryptedTextField()

    assert field.get_lookup("isnull") is not None
    assert field.get_lookup("exact") is None
    assert field.get_lookup("icontains") is None
    assert field.get_transform("lower") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("  NGUYỄN   văn\tđức ", "nguyen van duc"),
        ("Trần Thị Ngọc Ánh", "tran thi ngoc anh"),
        ("Lư Ưng Phượng", "lu ung phuong"),
    ],
)
def test_normalise_drops_case_diacritics_and_extra_spaces(text, expected):
    assert normalise(text) == expected


def test_blind_index_matches_a_name_however_it_is_typed():
    assert blind_index("Nguyễn Văn Đức", purpose="cases.child_name") == blind_index(
        "nguyen van duc", purpose="cases.child_name"
    )
    # Decomposed input (combining marks, as some keyboards send it) gives the same index.
    assert blind_index("Nguye\u0302\u0303n Va\u0306n \u0110u\u031b\u0301c", purpose="cases.child_name") == (
        blind_index("nguyen van duc", purpose="cases.child_name")
    )
    assert blind_index("Nguyễn Văn Đức", purpose="cases.child_name") != blind_index(
        "Nguyễn Văn Dực Anh", purpose="cases.child_name"
    )


def test_blind_index_differs_by_purpose_and_hides_the_text():
    index = blind_index("Nguyễn Văn Đức", purpose="cases.child_name")

    assert index != blind_index("Nguyễn Văn Đức", purpose="cases.reporter_name")
    assert len(index) == 64 and "nguyen" not in index


def test_blind_index_survives_a_rotation_of_the_encryption_keys():
    with override_settings(TREEM_BLIND_INDEX_KEY=INDEX_KEY, TREEM_ENCRYPTION_KEYS=[KEY_A]):
        before = blind_index("Nguyễn Văn Đức", purpose="cases.child_name")
    with override_settings(TREEM_BLIND_INDEX_KEY=INDEX_KEY, TREEM_ENCRYPTION_KEYS=[KEY_B, KEY_A]):
        assert blind_index("Nguyễn Văn Đức", purpose="cases.child_name") == before
    with override_settings(TREEM_BLIND_INDEX_KEY="z" * 40):
        assert blind_index("Nguyễn Văn Đức", purpose="cases.child_name") != before


def test_an_empty_text_has_an_empty_index_so_empty_values_never_match():
    assert blind_index("   ", purpose="cases.child_name") == ""


def test_blind_index_needs_a_purpose():
    with pytest.raises(ValueError):
        blind_index("Nguyễn Văn Đức", purpose="")


def test_a_deployed_server_without_a_blind_index_key_refuses():
    with deployed, override_settings(TREEM_BLIND_INDEX_KEY=""):
        with pytest.raises(ImproperlyConfigured, match="TREEM_BLIND_INDEX_KEY"):
            blind_index("Nguyễn Văn Đức", purpose="cases.child_name")


def test_a_short_blind_index_key_is_refused():
    with override_settings(TREEM_BLIND_INDEX_KEY="short"), pytest.raises(ImproperlyConfigured):
        blind_index("Nguyễn Văn Đức", purpose="cases.child_name")

import base64

import pytest

from sluice.security import Keyring, SecretUndecryptable, new_encryption_key


def test_a_secret_opens_only_for_the_row_it_was_sealed_to() -> None:
    keyring = Keyring.from_settings("some-secret-key", None)
    token = keyring.encrypt("hunter2", "datasource:1")
    assert "hunter2" not in token
    assert token.startswith("v0:")
    assert keyring.decrypt(token, "datasource:1") == "hunter2"
    with pytest.raises(SecretUndecryptable):
        keyring.decrypt(token, "datasource:2")


def test_another_secret_key_cannot_open_it() -> None:
    token = Keyring.from_settings("key-one", None).encrypt("pw", "datasource:1")
    with pytest.raises(SecretUndecryptable):
        Keyring.from_settings("key-two", None).decrypt(token, "datasource:1")


def test_explicit_keys_are_versioned_and_the_newest_encrypts() -> None:
    old = Keyring.from_settings("s", None).encrypt("pw", "datasource:1")
    keyring = Keyring.from_settings("s", f"2:{new_encryption_key()},1:{new_encryption_key()}")
    assert keyring.current == 2
    assert keyring.decrypt(old, "datasource:1") == "pw"
    assert not keyring.is_current(old)
    fresh = keyring.encrypt("pw", "datasource:1")
    assert fresh.startswith("v2:") and keyring.is_current(fresh)


def test_a_tampered_ciphertext_is_refused() -> None:
    keyring = Keyring.from_settings("s", None)
    version, body = keyring.encrypt("pw", "datasource:1").split(":")
    raw = bytearray(base64.urlsafe_b64decode(body))
    raw[-1] ^= 1
    with pytest.raises(SecretUndecryptable):
        keyring.decrypt(
            f"{version}:{base64.urlsafe_b64encode(bytes(raw)).decode()}", "datasource:1"
        )
    with pytest.raises(SecretUndecryptable, match="no key of version '9'"):
        keyring.decrypt("v9:abcd", "datasource:1")


@pytest.mark.parametrize(
    "entry",
    ["x:abc", "0:" + new_encryption_key(), "3:tooshort"],
    ids=["no-version", "version-zero", "short-key"],  # the same ids on every xdist worker
)
def test_malformed_keys_are_refused_with_a_clear_message(entry: str) -> None:
    with pytest.raises(ValueError, match="DATASOURCE_ENCRYPTION_KEY entries must be"):
        Keyring.from_settings("s", entry)

"""Signing in: the OAuth token file is private (0600) whatever the umask, and the scopes the
toolkit asks for are exactly the ones the README documents (no network: real google-auth
objects, the consent step injected)."""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2.credentials import Credentials

from gworkspace_supervision.data import shipped_dir
from gworkspace_supervision.google.auth import (
    SCOPES,
    GoogleAuthSettings,
    credentials,
    default_token_file,
    scopes_for,
)

ROOT = Path(__file__).resolve().parents[2]
G = "https://www.googleapis.com/auth/"


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def client_secrets(folder: Path) -> Path:
    path = folder / "client_secret.json"
    installed = {
        "client_id": "cid.apps.googleusercontent.com",
        "client_secret": "secret",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "redirect_uris": ["http://localhost"],
    }
    path.write_text(json.dumps({"installed": installed}))
    return path


def consented(flow: Any) -> Credentials:
    """What the browser consent returns: a real Credentials object for the flow's scopes."""
    return Credentials(
        token="ya29.access-token",
        refresh_token="1//refresh-token",
        token_uri="https://oauth2.googleapis.com/token",
        client_id="cid.apps.googleusercontent.com",
        client_secret="secret",
        scopes=list(flow.oauth2session.scope),
        expiry=datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1),
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_token_file_is_0600_even_with_a_permissive_umask(
    tmp_path: Path, permissive_umask: None
) -> None:
    token = tmp_path / "cfg" / "token.json"
    settings = GoogleAuthSettings(
        auth="oauth", client_secrets=client_secrets(tmp_path), token_file=token
    )
    source = credentials(settings, run_flow=consented)
    assert mode(token) == 0o600
    assert token.stat().st_uid == os.getuid()
    saved = json.loads(token.read_text())
    assert saved["refresh_token"] == "1//refresh-token"  # the real to_json() of the credentials
    assert set(saved["scopes"]) == set(source.scopes)


def test_a_readable_token_left_by_someone_else_is_tightened_before_it_is_used(
    tmp_path: Path, permissive_umask: None
) -> None:
    token = tmp_path / "token.json"
    settings = GoogleAuthSettings(
        auth="oauth", client_secrets=client_secrets(tmp_path), token_file=token
    )
    credentials(settings, run_flow=consented)
    token.chmod(0o666)

    def no_consent(flow: Any) -> Credentials:
        raise AssertionError("a valid cached token must be reused")

    again = credentials(settings, run_flow=no_consent)
    assert again.base.refresh_token == "1//refresh-token"
    assert mode(token) == 0o600


def test_by_default_the_token_lives_in_the_users_config_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, permissive_umask: None
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    settings = GoogleAuthSettings(auth="oauth", client_secrets=client_secrets(tmp_path))
    credentials(settings, run_flow=consented)
    token = default_token_file()
    assert token.is_relative_to(tmp_path / ".config") and mode(token) == 0o600


def readme_scopes() -> dict[str, str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text[text.index("| scope | why |") :].split("\n\n", 1)[0]
    rows = [line for line in table.splitlines()[2:] if line.startswith("|")]
    return {G + re.search(r"`([^`]+)`", row).group(1): row for row in rows}  # type: ignore[union-attr]


def test_the_readme_documents_exactly_the_scopes_in_auth_py() -> None:
    documented = readme_scopes()
    assert set(documented) == set(SCOPES)
    requested = {
        s
        for m in ("service_account", "oauth", "adc")
        for d in (False, True)
        for ds in ("drive.file", "drive")  # [google] drive_scope (transfer needs "drive")
        for s in scopes_for(m, digest=d, drive_scope=ds)
    }
    assert requested == set(SCOPES)


def test_each_mode_asks_for_exactly_its_documented_scopes() -> None:
    owned, events, busy, drive, send = (
        G + n
        for n in (
            "calendar.events.owned",
            "calendar.events",
            "calendar.events.freebusy",
            "drive.file",
            "gmail.send",
        )
    )
    assert scopes_for("service_account") == [owned, busy, drive]
    assert scopes_for("oauth") == scopes_for("adc") == [events, busy, drive]
    assert scopes_for("oauth", digest=True) == [events, busy, drive, send]
    documented = readme_scopes()
    assert "service account" in documented[owned] and "oauth/adc" in documented[events]
    assert "digest" in documented[send]
    example = (shipped_dir("examples") / "settings.example.toml").read_text(encoding="utf-8")
    assert "calendar.events.owned, calendar.events.freebusy, drive.file" in example


def test_the_credentials_built_carry_exactly_those_scopes(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    path = tmp_path / "sa.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "booker@council.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    source = credentials(GoogleAuthSettings(service_account_key=path))
    assert list(source.for_user("ann@example-council.gov.uk")._scopes) == scopes_for(
        "service_account"
    )
    flows: list[Any] = []

    def consent(flow: Any) -> Credentials:
        flows.append(flow)
        return consented(flow)

    settings = GoogleAuthSettings(
        auth="oauth", client_secrets=client_secrets(tmp_path), token_file=tmp_path / "t.json"
    )
    credentials(settings, run_flow=consent)
    assert list(flows[0].oauth2session.scope) == scopes_for("oauth")


def test_no_other_scope_appears_anywhere_in_the_package() -> None:
    sources = [
        p.read_text(encoding="utf-8")
        for p in (ROOT / "gworkspace_supervision").rglob("*.py")
        if "emulator" not in p.parts  # the emulator serves Google's surface; it asks for nothing
    ]
    names: set[str] = set()
    for text in sources:
        names |= set(re.findall(r"googleapis\.com/auth/([a-z.]+)", text))
        names |= set(re.findall(r'_G \+ "([a-z.]+)"', text))
    auth = (ROOT / "gworkspace_supervision" / "google" / "auth.py").read_text(encoding="utf-8")
    names |= set(re.findall(r'"((?:calendar|drive|gmail)\.[a-z.]+)"', auth))
    assert names and {G + n for n in names} == set(SCOPES)
    assert not any("mail.google.com" in text for text in sources)

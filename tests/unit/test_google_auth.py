"""Signing in for `--workspace google`: scopes, token file privacy, impersonation, bad settings."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.oauth2.credentials import Credentials

from gworkspace_supervision.errors import InputError
from gworkspace_supervision.google.auth import (
    SCOPES,
    GoogleAuthSettings,
    credentials,
    scopes_for,
    write_private,
)
from gworkspace_supervision.google.connect import auth_settings, parse_workspace

BROAD = {
    "https://www.googleapis.com/auth/calendar",
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/documents",
    "https://www.googleapis.com/auth/spreadsheets",
    "https://mail.google.com/",
}


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mode", ["service_account", "oauth", "adc"])
def test_scopes_are_documented_and_narrow(mode: str) -> None:
    wanted = scopes_for(mode)
    assert set(wanted) <= set(SCOPES)
    assert not set(wanted) & BROAD
    assert all(not s.endswith("gmail.send") for s in wanted)
    assert scopes_for(mode, digest=True)[-1].endswith("/gmail.send")


def test_impersonation_only_reaches_the_users_own_calendar() -> None:
    assert any(s.endswith("/calendar.events.owned") for s in scopes_for("service_account"))
    assert any(s.endswith("/calendar.events") for s in scopes_for("oauth"))


def test_unknown_auth_mode_is_an_input_error() -> None:
    with pytest.raises(InputError, match="unknown auth mode"):
        scopes_for("password")


def test_write_private_creates_and_tightens(tmp_path: Path) -> None:
    fresh = tmp_path / "cfg" / "token.json"
    write_private(fresh, "{}")
    assert mode_of(fresh) == 0o600
    loose = tmp_path / "loose.json"
    loose.write_text("old")
    loose.chmod(0o644)
    write_private(loose, "new")
    assert mode_of(loose) == 0o600
    assert loose.read_text() == "new"


def client_secrets(tmp_path: Path) -> Path:
    path = tmp_path / "client.json"
    path.write_text(
        json.dumps(
            {
                "installed": {
                    "client_id": "cid.apps.googleusercontent.com",
                    "client_secret": "secret",
                    "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                    "token_uri": "https://oauth2.googleapis.com/token",
                    "redirect_uris": ["http://localhost"],
                }
            }
        )
    )
    return path


def test_oauth_flow_caches_a_private_token_and_reuses_it(tmp_path: Path) -> None:
    token = tmp_path / "config" / "token.json"
    settings = GoogleAuthSettings(
        auth="oauth", client_secrets=client_secrets(tmp_path), token_file=token
    )
    flows = []

    def consent(flow: object) -> Credentials:
        flows.append(flow)
        return Credentials(
            token="access",
            refresh_token="refresh",
            token_uri="https://oauth2.googleapis.com/token",
            client_id="cid.apps.googleusercontent.com",
            client_secret="secret",
            scopes=scopes_for("oauth"),
            expiry=datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=1),
        )

    source = credentials(settings, run_flow=consent)
    assert len(flows) == 1 and not source.delegated
    assert mode_of(token) == 0o600
    assert source.for_user("sam@example-council.gov.uk") is source.base

    token.chmod(0o644)

    def refuse(flow: object) -> Credentials:
        raise AssertionError("a cached valid token must not start the consent flow again")

    again = credentials(settings, run_flow=refuse)
    assert again.base.token == "access"
    assert mode_of(token) == 0o600


def test_oauth_without_client_secrets_names_the_setting(tmp_path: Path) -> None:
    settings = GoogleAuthSettings(auth="oauth", token_file=tmp_path / "t.json", source="s.toml")
    with pytest.raises(InputError, match=r"s.toml, \[google\] client_secrets"):
        credentials(settings)


def service_account_key(tmp_path: Path) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    path = tmp_path / "sa.json"
    path.write_text(
        json.dumps(
            {
                "type": "service_account",
                "project_id": "council",
                "private_key_id": "k1",
                "private_key": pem,
                "client_email": "booker@council.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token",
            }
        )
    )
    return path


def test_service_account_impersonates_each_user(tmp_path: Path) -> None:
    settings = GoogleAuthSettings(service_account_key=service_account_key(tmp_path))
    source = credentials(settings)
    assert source.delegated
    alex = source.for_user("Alex@example-council.gov.uk")
    assert alex._subject == "alex@example-council.gov.uk"
    assert alex is source.for_user("alex@example-council.gov.uk")
    assert set(alex._scopes) == set(scopes_for("service_account"))


def test_service_account_key_missing_or_invalid(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="service_account_key"):
        credentials(GoogleAuthSettings())
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"type": "service_account"}))
    with pytest.raises(InputError, match="not a service account key"):
        credentials(GoogleAuthSettings(service_account_key=bad))


def test_workspace_spec() -> None:
    assert parse_workspace("google").kind == "google"
    local = parse_workspace("local:/tmp/ws")
    assert (local.kind, str(local.directory)) == ("local", "/tmp/ws")
    for bad in ["", "local:", "gogle", "s3://x"]:
        with pytest.raises(InputError, match="use 'local:DIR'"):
            parse_workspace(bad)


def test_auth_settings_from_typed_settings(tmp_path: Path) -> None:
    from gworkspace_supervision.settings import GoogleSettings, Settings

    google = GoogleSettings(auth="oauth", oauth_client_secrets=str(tmp_path / "c.json"))
    got = auth_settings(Settings(google=google))
    assert got.auth == "oauth" and got.client_secrets == tmp_path / "c.json"
    assert auth_settings(Settings()) == GoogleAuthSettings()  # one set of defaults


def test_auth_settings_from_the_settings_file(tmp_path: Path) -> None:
    from gworkspace_supervision.settings import parse_settings

    settings = parse_settings(
        {
            "organisation": {"operator": "business.support@example-council.gov.uk"},
            "google": {"auth": "oauth", "oauth_client_secrets": "c.json", "token_path": "t.json"},
        },
        "s.toml",
    )
    got = auth_settings(settings)
    assert (got.auth, got.client_secrets, got.token_file) == (
        "oauth",
        Path("c.json"),
        Path("t.json"),
    )
    assert got.operator == "business.support@example-council.gov.uk" and got.source == "s.toml"

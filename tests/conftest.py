"""Shared fixtures: a fresh local Workspace per test, and the REAL Google clients talking to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest
from googleapiclient.discovery import build

from gworkspace_supervision.emulator import LocalWorkspace


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[LocalWorkspace]:
    """A fresh LocalWorkspace in tmp_path; its SQLite connection is closed at teardown."""
    ws = LocalWorkspace(tmp_path / "workspace")
    try:
        yield ws
    finally:
        ws.close()


def _builder(workspace: LocalWorkspace, name: str, version: str) -> Callable[[str], Any]:
    services: dict[str, Any] = {}

    def service_for(user: str) -> Any:
        if user not in services:
            services[user] = build(
                name,
                version,
                http=workspace.http(user),
                static_discovery=True,
                cache_discovery=False,
            )
        return services[user]

    return service_for


@pytest.fixture
def calendar_for(workspace: LocalWorkspace) -> Callable[[str], Any]:
    """calendar_for("alice@example-council.gov.uk") -> a real Calendar v3 service acting as Alice."""
    return _builder(workspace, "calendar", "v3")


@pytest.fixture
def drive_for(workspace: LocalWorkspace) -> Callable[[str], Any]:
    return _builder(workspace, "drive", "v3")


@pytest.fixture
def docs_for(workspace: LocalWorkspace) -> Callable[[str], Any]:
    return _builder(workspace, "docs", "v1")


@pytest.fixture
def sheets_for(workspace: LocalWorkspace) -> Callable[[str], Any]:
    return _builder(workspace, "sheets", "v4")


@pytest.fixture
def gmail_for(workspace: LocalWorkspace) -> Callable[[str], Any]:
    return _builder(workspace, "gmail", "v1")


@pytest.fixture
def gspread_for(workspace: LocalWorkspace) -> Iterator[Callable[[str], gspread.Client]]:
    """gspread_for(user) -> gspread.Client(None, session=workspace.session(user)); sessions closed."""
    clients: dict[str, gspread.Client] = {}

    def client_for(user: str) -> gspread.Client:
        if user not in clients:
            clients[user] = gspread.Client(None, session=workspace.session(user))  # type: ignore[arg-type]
        return clients[user]

    yield client_for
    for client in clients.values():
        client.http_client.session.close()


@pytest.fixture
def stub_handler(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Callable[..., Any]], None]:
    """stub_handler("calendar.colors.get", fn): register a handler for this test only.

    For core tests that need *some* handler; the registry (the emulator's own dict) is restored
    afterwards, so the API modules' real handlers come back.
    """
    from gworkspace_supervision.emulator.core.api import HANDLERS

    def register(method_id: str, fn: Callable[..., Any]) -> None:
        monkeypatch.setitem(HANDLERS, method_id, fn)

    return register

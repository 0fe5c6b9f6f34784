"""The shared full flow (read-only checks use it; tests that change state copy it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from security_flow import full_flow


@pytest.fixture(scope="session")
def flowed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("security") / "ws"
    full_flow(folder)
    yield folder

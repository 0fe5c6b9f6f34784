"""The embedded local Google Workspace: Calendar v3, Drive v3, Docs v1, Sheets v4 (and Gmail send).

The real google-api-python-client and gspread talk to it through an injected transport
(`LocalWorkspace.http(user)` / `LocalWorkspace.session(user)`), so the local default and Google
run the same toolkit code. This package imports nothing from the rest of gworkspace_supervision
(except `view/`, the browser pages, which read the workspace through google/connect).

Layout: `core/` (routing, discovery validation, store, tokens and scopes, faults, clock,
transports) and one subpackage per API: `calendar/`, `drive/`, `docs/`, `sheets/`, `gmail/`.
"""

from .core.server import LocalWorkspace

__all__ = ["LocalWorkspace"]

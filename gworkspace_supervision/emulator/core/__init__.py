"""The local Workspace's core: routing and discovery validation, the SQLite store, tokens and
scopes, faults, the clock, batch and upload framing, and the transports and HTTP server.
The API subpackages register their handlers with `api.handler`; the core knows none of them
except by the entry-module names in `server.API_MODULES`."""

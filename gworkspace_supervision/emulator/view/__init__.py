"""The local Workspace as people see it: calendars, records, the tracker and the outbox in a browser.

A small Flask app (server-rendered, no JavaScript) over a local Workspace. Every read and write
goes through the same REST API the toolkit uses (the real google-api-python-client and gspread's
transport, via `google.connect`), acting as the person chosen at the top of the page: the local
Workspace's sign-in is just an email address, so each page shows exactly what that person's
Google access would show, and a write the person could not make on Google fails here too.
Its tokens carry the full user scopes a person has at Google's own pages (not the toolkit's
least-privilege drive.file), so sharing alone decides what a person reaches.
The one exception is the outbox: Google keeps no API to read what it "sent", so that page reads
the local Workspace's record of it, and shows only the mail to or from the chosen person.
"""

from .app import create_app
from .serve import LOOPBACK, PERSON_SCOPES, check_bind_address, make_view_server, open_workspace

__all__ = [
    "LOOPBACK",
    "PERSON_SCOPES",
    "check_bind_address",
    "create_app",
    "make_view_server",
    "open_workspace",
]

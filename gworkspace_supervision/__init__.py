"""Book, record and track supervision on Google Workspace."""

__version__ = "0.1.0"

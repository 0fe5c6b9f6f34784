"""Drive v3: the file model shared with Docs and Sheets (files.py), files.*, permissions.*, changes.*."""

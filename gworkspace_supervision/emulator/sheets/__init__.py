"""Sheets v4: spreadsheets.* and values.* (spreadsheets.py) over the grid model (model.py)."""

"""Docs v1: documents.* (documents.py) over the document model (model.py)."""

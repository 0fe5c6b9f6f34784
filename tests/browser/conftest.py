"""Fixtures for the browser tests (the world and the served view live in view_world.py)."""

from view_world import view_url, world

__all__ = ["view_url", "world"]

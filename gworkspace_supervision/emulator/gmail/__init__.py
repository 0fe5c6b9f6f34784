"""Gmail v1: users.messages.send into the workspace outbox (messages.py)."""

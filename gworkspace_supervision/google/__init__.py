"""Adapters: the only place that knows Google JSON and the client libraries."""

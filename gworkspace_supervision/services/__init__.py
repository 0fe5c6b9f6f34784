"""The reconcile flows: load -> validate -> plan -> diff -> apply, talking to the adapters."""

"""The HTTP API (FastAPI): `narcolex.api.app.create_app` builds it, `narcolex serve` runs it.

No business rules live here: routes authenticate the caller, call the workflow, store, formats
and detect functions with a Session and the caller's name, and translate domain errors into
problem responses at the edge.
"""

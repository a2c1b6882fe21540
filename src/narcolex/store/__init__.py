"""Persistence: the engine and sessions, the SQLAlchemy models, migrations and read queries."""

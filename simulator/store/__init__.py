"""Persistence: the schema as numbered migrations (schema.py), the connection and transactions (db.py), and
row <-> value functions (repo.py)."""

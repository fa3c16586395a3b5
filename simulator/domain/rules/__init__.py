"""The guide's rules, one module per area, each function decorated with the clause it implements
(@implements("3.3.1"), domain/clauses.py REGISTRY)."""

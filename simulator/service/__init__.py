"""The service layer: one class per area (access, businesses, queries, control, seeding) over one SQLite
transaction per command; centre.py holds transactions, the clock and the nightly update."""

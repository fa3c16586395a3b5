"""The reference centre (模拟中心): every clause of the guide implemented, a JSON API, a Chinese web portal,
a virtual clock and test control. domain (pure rules) <- service (transactions, clock) <- protocols
(api, web, control); app.py is the composition root (docs/architecture.md §2)."""
__version__ = "0.1.0"

"""Test control as a plug-in: the contract every control implementation keeps (protocol.py), the
reference `/_sim/` HTTP client (sim.py), a libfaketime clock for portals that have no clock of their
own (faketime.py), how a control is chosen from a target's configuration (loading.py) and
`gjj check-control`, which checks a control against docs/test-control.md §9 (check.py)."""

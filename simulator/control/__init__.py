"""Test control (/_sim/): reset, seed a world, set and advance the virtual clock, remit and mark months
arrived, read what is pending and the policy in force; the contract vendors implement (docs/test-control.md)."""

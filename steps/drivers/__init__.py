"""Drivers: how the harness talks to a target portal (API today, browser next)."""

"""Policy data access: dated parameters and the working-day calendar, read from fixtures/policy."""
from gjj.simulator.policy.loader import PolicyDataError, load_calendar, load_policy

__all__ = ["PolicyDataError", "load_calendar", "load_policy"]

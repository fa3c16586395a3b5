"""Binds every feature file under features/ to the step definitions."""
from pytest_bdd import scenarios

from .steps_common import *  # noqa: F401,F403  (step definitions are fixtures pytest-bdd must see)
from .steps_web import *  # noqa: F401,F403

scenarios("../features")

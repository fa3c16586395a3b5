"""Binds every feature file of the specification (the package gjj.features) to the step definitions."""
from importlib.resources import files
from pathlib import Path

from pytest_bdd import scenarios

from gjj.steps.steps_common import *  # noqa: F401,F403  (step definitions are fixtures pytest-bdd must see)
from gjj.steps.steps_web import *  # noqa: F401,F403

scenarios(str(Path(str(files("gjj.features")))))

"""The specification's steps: step definitions (steps_*.py), the domain language (dsl/), the drivers
(drivers/: API, browser), the pytest plug-in that runs features/ against a target (conftest.py), and the
lint and coverage checks of the feature files."""

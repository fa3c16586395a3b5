"""What a certification run leaves behind: per-clause verdicts, evidence, and pages people read.

- ``model``: the verdicts document (``verdicts.json``), the contract every reader relies on;
- ``collect``: the pytest plugin that records each scenario, its steps and its evidence;
- ``verdicts``: scenarios → clause verdicts;
- ``html``, ``junit``, ``cucumber``: the report files; ``manifest``: SHA-256 of every file;
- ``compare``: what changed between two runs;
- ``labels``: the words for verdicts, outcomes, drivers … (Chinese, English); ``links``: what a report may point at;
- ``certify``: the ``gjj certify`` command that ties them together;
- ``docs``: the ``gjj docs`` command, the living documentation site for policy staff.
"""

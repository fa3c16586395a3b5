"""gjj: the provident fund portal conformance harness and its reference centre, under one import name.

The project's folders are installed as subpackages of this one (pyproject.toml `package-dir`), so that no
importable top-level name clashes with another distribution on PyPI (`fixtures`, `steps`, `reports` and
`simulator` are all taken there):

    gjj.simulator   the reference centre            (folder simulator/)
    gjj.steps       the specification's steps, DSL and drivers  (steps/)
    gjj.features    the specification, Chinese Gherkin, and its reader (features/)
    gjj.fixtures    guide, policy data, data generators (fixtures/)
    gjj.reports     gjj certify and gjj docs        (reports/)
    gjj.codes       check characters python-stdnum lacks (GB 11714), shared by simulator and fixtures
"""

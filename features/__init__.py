"""The specification: the guide as Chinese Gherkin (`# language: zh-CN`), one folder per chapter.

This file makes the folder the package `gjj.features`, so an installed harness finds its feature files with
`importlib.resources` as the checkout does; `reader` beside it is the one module that reads them (for the lint,
the coverage check, the steps' tag registration and the `gjj docs` site)."""

"""The specification: the guide as Chinese Gherkin (`# language: zh-CN`), one folder per chapter.

Data only; this file makes the folder the package `gjj.features`, so an installed harness finds its feature
files with `importlib.resources` as the checkout does."""

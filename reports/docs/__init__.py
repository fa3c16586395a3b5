"""`gjj docs`: living documentation for policy staff — a static, self-contained HTML site in Chinese.

Policy staff do not run pytest: they read the rules, decide what they mean and change them. So the
site is generated, every time, from the very files the suite runs — the guide and its clause
catalogue (``gjj.fixtures.guide``), the feature files (through ``gjj.features.reader``), the dated
policy data (``fixtures/policy``) and, when given, a ``verdicts.json`` of ``gjj certify`` and the
screenshots of a web run. A changed feature file or policy value shows in the next build with no
code change.

Pages (all in one folder, relative links only, inline CSS and JS, no external resource, so it
opens from disk and prints on A4): ``index.html`` (clause table and search), ``clause-<id>.html``
(one per clause, anchor ``clause-<id>``), ``feature-<path>.html`` (one per feature file),
``readings.html`` (the project's readings as questions to confirm), ``policy.html``,
``glossary.html`` and ``all-clauses.html`` (every clause on one page, for printing).

The modules, by job: ``command`` (the ``gjj docs`` command line), ``build`` (reads the sources and
renders ``templates/*.j2``), ``guide_text`` (the guide's own words per clause), ``readings``
(``readings.toml``), ``features`` (scenario and feature views), ``results`` (verdicts and screenshots
attached to scenarios), ``policy`` (policy values in words, by period), ``review`` (when a value is
due for review), ``clauses`` (one view per clause), ``glossary``, ``search`` (the search index),
``markdown`` (the catalogue's extra sections) and ``errors``.
"""

"""Known-bad variants of the reference centre: does the specification fail against them?

Each variant (``variants.CATALOGUE``) breaks exactly one rule of the guide the way a real vendor
might, by patching attributes of simulator modules in a test process only; never in production
code paths. ``plugin`` applies one variant to the embedded centre of a ``pytest steps`` run and
records which scenarios failed, with their ``@guide-…`` and ``@id-…`` tags; ``runner`` runs the
whole catalogue in subprocesses, two at a time, and ``summary`` turns the results into a table.

    python -m tests.mutants                  # run every variant, print the table
    python -m tests.mutants seal_before_arrival hours_end_inclusive
    python -m pytest tests/test_mutants.py   # the self-test (the full run is marked slow)

Some variants are marked ``must_survive``: behaviour the clause readings allow (e.g. showing a
change sooner than the next working day, 3.5/3.6). The specification must pass against those.
"""

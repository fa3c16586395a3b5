"""The domain language of the specification, in the Screenplay manner: actors (World — the centre;
Operator — a unit's 经办人; Visitor — the person at the PC) whose abilities are drivers, performing
tasks and answering questions in business terms (terms.py holds the vocabulary). Steps call it; it calls
the driver interface. It judges nothing (the Then steps do), imports no test framework and never the
simulator."""

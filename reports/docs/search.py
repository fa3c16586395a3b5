"""The site's search index — clause IDs and texts, scenario names and step texts, glossary terms —
and how it is written into a page (JSON safe inside a <script> element)."""
from __future__ import annotations

import json
from collections.abc import Sequence

from markupsafe import Markup

from ..links import anchor_safe
from .clauses import ClauseView
from .features import FeatureView
from .glossary import GLOSSARY


def search_index(clauses: Sequence[ClauseView], features: Sequence[FeatureView]) -> list[dict[str, str]]:
    """Clause IDs and texts, scenario names and step texts, glossary terms: what the search box finds."""
    out = []
    for c in clauses:
        body = [c.clause.text, c.clause.gloss, c.clause.reading, *(c.passage.lines if c.passage else ())]
        if c.reading:
            body += [c.reading.question, c.reading.answer]
        out.append({"k": "条款", "id": c.id, "t": c.clause.text, "x": " ".join(body), "u": f"{c.page}#{c.anchor}"})
    for f in features:
        for s in f.scenarios:
            steps = [st.text for st in (*s.background, *s.steps)]
            steps += [" ".join(c for row in st.table for c in row) for st in (*s.background, *s.steps) if st.table]
            steps += [st.docstring for st in s.steps if st.docstring]
            steps += [" ".join(c for row in ex.rows for c in row) for ex in s.examples]
            out.append({"k": "场景", "id": s.id or "", "t": s.name, "x": " ".join(steps), "u": s.href})
    for term, ident, meaning in GLOSSARY:
        out.append({"k": "术语", "id": ident, "t": term, "x": meaning, "u": f"glossary.html#term-{anchor_safe(ident)}"})
    return out


def inline_json(obj: object) -> Markup:
    """JSON safe inside a <script> element (no </script>, no HTML comment opener, no line separators)."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return Markup(text)

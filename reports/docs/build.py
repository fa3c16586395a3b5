"""Building the site: read every source (catalogue, guide, readings, feature files, policy data, and a
run's verdicts and screenshots when given), make the views and render ``templates/*.j2`` into the
output folder — which is cleaned first only if an earlier build marked it as its own."""
from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from gjj.features.reader import FEATURES_ROOT
from gjj.fixtures.guide.catalogue import (
    CATALOGUE_PATH,
    GUIDE_DIR,
    GUIDE_TEXT_PATH,
    READINGS_PATH,
    REASONS_PATH,
    load_catalogue,
    load_reasons,
    other_sections,
)

from ..labels import DRIVER_LABELS, OUTCOME_LABELS, VERDICT_LABELS, zh
from ..links import anchor_safe
from .clauses import clause_views
from .errors import SiteError
from .features import SHOWN_TAGS, load_features
from .glossary import GLOSSARY
from .guide_text import guide_passages
from .markdown import render as render_markdown
from .policy import STATE_LABELS, policy_views
from .readings import load_readings
from .results import SCREENS, attach_results, attach_screenshots, load_verdicts
from .search import inline_json, search_index

TEMPLATES = Path(__file__).with_name("templates")
GUIDE_TITLE = "《住房公积金网上单位业务新手指南》（常州市住房公积金管理中心，2019年6月）"
# Written into the output folder: only a folder carrying it is ever cleaned before a build.
MARKER = ".gjj-docs"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.globals.update(VERDICT_LABELS=VERDICT_LABELS, OUTCOME_LABELS=OUTCOME_LABELS, DRIVER_LABELS=DRIVER_LABELS,
                       STATE_LABELS=STATE_LABELS, SHOWN_TAGS=SHOWN_TAGS, GUIDE_TITLE=GUIDE_TITLE, zh=zh)
    env.filters["anchor"] = anchor_safe
    return env


def _prepare_out(out: Path) -> None:
    """Only a folder an earlier build marked is cleaned: its pages and screenshots must not linger."""
    if (out / MARKER).exists():
        for p in out.glob("*.html"):
            p.unlink()
        shutil.rmtree(out / SCREENS, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("gjj docs 生成的文件夹；重新生成时会清理其中的 *.html 和 screens/。\n", encoding="utf-8")


def build_site(out: Path, verdicts: Path | None = None, as_of: date | None = None,
               screenshots: Path | None = None, review_months: int | None = None,
               policy_dir: Path | None = None, features_dir: Path | None = None,
               guide_dir: Path | None = None) -> Path:
    """Build the site into ``out`` and return the path of ``index.html``.

    ``as_of`` decides which policy value is in force and which confirmation is stale; it defaults
    to today in Asia/Shanghai. ``guide_dir`` (the guide, ``clauses.md``, ``not_verifiable.toml``,
    ``readings.toml``) defaults to ``fixtures/guide``.
    """
    from gjj.simulator.policy.loader import load_policy

    if as_of is None:
        from gjj.simulator.clock import SystemClock  # the one wall-clock reader
        as_of = SystemClock().today()
    if review_months is not None and review_months < 1:
        raise SiteError(f"复核周期须为正整数（review months must be positive）: {review_months}")
    guide_dir = Path(guide_dir) if guide_dir is not None else GUIDE_DIR
    out = Path(out)

    try:
        catalogue = load_catalogue(guide_dir / CATALOGUE_PATH.name)
        catalogue_md = (guide_dir / CATALOGUE_PATH.name).read_text(encoding="utf-8")
        guide_text = (guide_dir / GUIDE_TEXT_PATH.name).read_text(encoding="utf-8")
    except (OSError, ValueError) as e:
        raise SiteError(f"条款目录或指南无法读取（cannot read the catalogue or the guide）: {e}") from e
    reasons, reason_errors = load_reasons(guide_dir / REASONS_PATH.name)
    if reason_errors:
        raise SiteError("；".join(reason_errors))
    readings = load_readings(guide_dir / READINGS_PATH.name, catalogue)
    features = load_features(Path(features_dir) if features_dir is not None else FEATURES_ROOT)
    book = load_policy(Path(policy_dir) if policy_dir is not None else None)
    params = policy_views(book, as_of, review_months)
    doc = load_verdicts(Path(verdicts)) if verdicts is not None else None

    _prepare_out(out)
    scenarios = [s for f in features for s in f.scenarios]
    if doc is not None:
        attach_results(scenarios, doc, Path(verdicts).resolve().parent, out)
    if screenshots is not None:
        attach_screenshots(scenarios, Path(screenshots), out)

    clauses = clause_views(catalogue, guide_passages(guide_text, catalogue), reasons, features, params,
                           readings, doc)
    known = set(catalogue)
    context = {
        "as_of": as_of, "policy_version": book.version, "clauses": clauses, "features": features,
        "params": params, "doc": doc, "review_months": review_months, "glossary": GLOSSARY,
        "scenario_count": len(scenarios),
        "readings_total": sum(1 for c in clauses if c.clause.reading or c.reading),
        "readings_confirmed": sum(1 for c in clauses if c.reading and c.reading.confirmed),
        "unverified": [p for p in params if p.current and not p.current.verified],
        "stale": [p for p in params if any(x.stale for x in p.periods)],
        "not_in_force": [p for p in params if p.current is None],
        "unknown_param_clauses": {p.name: [c for c in p.clauses if c not in known] for p in params},
        "extra_sections": [(t, render_markdown(body)) for t, body in other_sections(catalogue_md)],
        "search_index": inline_json(search_index(clauses, features)),
    }
    env = _env()
    pages: list[tuple[str, str, dict]] = [
        ("index.html", "index.html.j2", {}),
        ("readings.html", "readings.html.j2", {}),
        ("policy.html", "policy.html.j2", {}),
        ("glossary.html", "glossary.html.j2", {}),
        ("all-clauses.html", "all_clauses.html.j2", {}),
    ]
    for i, c in enumerate(clauses):
        pages.append((c.page, "clause.html.j2", {"c": c, "prev": clauses[i - 1] if i else None,
                                                   "next": clauses[i + 1] if i + 1 < len(clauses) else None}))
    for f in features:
        pages.append((f.page, "feature.html.j2", {"f": f}))
    by_id = {c.id: c for c in clauses}
    for name, template, extra in pages:
        html = env.get_template(template).render(**context, **extra, page=name, by_id=by_id)
        (out / name).write_text(html, encoding="utf-8")
    return out / "index.html"

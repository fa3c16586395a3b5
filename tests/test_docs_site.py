"""`gjj docs`: the living documentation site for policy staff, built from the same files the suite runs.

Each test builds the site into tmp_path (about half a second) and reads it back as a parsed tree:
clauses with the guide's words, readings and scenarios; policy values as of a date; staleness;
verdicts and screenshots; glossary; links and search; and, in Chromium, search and Chinese glyphs.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pytest_bdd.parser import FeatureParser
from policy_edits import SOURCE, policy_with_longer_hours
from reports_sample import PAYLOAD, sample_doc, tiny_png, write_evidence

from gjj import cli
from gjj.fixtures.guide.catalogue import load_catalogue
from gjj.reports.docs.build import build_site
from gjj.reports.docs.errors import SiteError
from gjj.reports.docs.glossary import GLOSSARY
from gjj.reports.docs.guide_text import guide_passages
from gjj.reports.docs.review import is_stale

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ROOT / "features"
POLICY = ROOT / "fixtures" / "policy"
GUIDE = ROOT / "fixtures" / "guide"
AS_OF = date(2026, 6, 30)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
URL_ATTRS = ("href", "src", "action", "srcset", "poster", "data")


# ----------------------------------------------------------------------------- a parsed page


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list = field(default_factory=list)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def all(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Node]:
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())
                and all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def one(self, tag: str | None = None, cls: str | None = None, **attrs: str) -> Node:
        found = self.all(tag, cls, **attrs)
        assert len(found) == 1, f"expected one <{tag} class={cls} {attrs}>, found {len(found)}"
        return found[0]


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(path: Path) -> Node:
    t = _Tree()
    t.feed(path.read_text(encoding="utf-8"))
    t.close()
    return t.root


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def search_index(site: Path) -> list[dict]:
    m = re.search(r"window\.GJJ_SEARCH = (.*?);</script>", (site / "index.html").read_text(encoding="utf-8"), re.DOTALL)
    assert m, "no inline search index in index.html"
    return json.loads(m.group(1))


# ----------------------------------------------------------------------------- the sources, read independently


def scenarios_by_clause(features: Path = FEATURES) -> dict[str, list]:
    """Clause ID -> pytest-bdd scenarios citing it (feature, scenario and examples tags)."""
    out: dict[str, list] = {}
    for path in sorted(features.rglob("*.feature")):
        feat = FeatureParser(str(features), str(path.relative_to(features))).parse()
        for sc in feat.scenarios.values():
            tags = set(feat.tags) | sc.tags | {t for ex in sc.examples for t in ex.tags}
            for t in tags:
                if t.startswith("guide-"):
                    out.setdefault(t[len("guide-"):], []).append(sc)
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    index = build_site(out, as_of=AS_OF)
    assert index == out / "index.html"
    return out


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(GUIDE / "clauses.md")


def _page(site: Path, cid: str) -> Node:
    return parse(site / f"clause-{cid}.html")


# ----------------------------------------------------------------------------- clauses


def test_every_clause_has_a_page_with_its_text_reading_and_scenarios(site, catalogue):
    texts = {ln.split("|")[1].strip(): ln.split("|")[2].strip()
             for ln in (GUIDE / "clauses.md").read_text(encoding="utf-8").splitlines()
             if re.match(r"^\| \d", ln)}
    cited = scenarios_by_clause()
    assert len(catalogue) >= 30
    for cid, clause in catalogue.items():
        page = _page(site, cid)
        section = page.one("section", "clause", id=f"clause-{cid}")
        body = squash(section.text())
        assert squash(texts[clause.row]) in body, f"clause {cid}: guide text missing"
        if clause.reading:
            assert squash(clause.reading) in body, f"clause {cid}: reading missing"
        for sc in cited.get(cid, []):
            assert squash(sc.name) in body, f"clause {cid}: scenario {sc.name} missing"
            ids = [t[3:] for t in sc.tags if t.startswith("id-")]
            if ids:
                assert section.all("article", "scenario", id=f"scenario-{ids[0]}"), (cid, ids)


def test_the_clause_page_quotes_the_guide_itself(site):
    body = squash(_page(site, "1.1.2").one("blockquote", "guide").text())
    assert "已办理过江苏CA数字证书的单位" in body and "选择新办数字证书" not in body  # the 2nd paragraph only
    body = squash(_page(site, "3.3.1").one("blockquote", "guide").text())
    assert "（1）封存请在该职工最后一个月的公积金到账之后" in body and "三、业务办理小贴士" in body


def test_seal_window_lists_its_outline_with_steps_and_examples_as_a_table(site):
    page = _page(site, "3.3.1")
    seal = page.one("article", "scenario", id="scenario-SEAL-01")
    text = squash(seal.text())
    assert "封存时间窗口两端的前一步和后一步" in text
    steps = [squash(li.text()) for ol in seal.all("ol", "steps") for li in ol.all("li")]
    assert "假如单位“甲”已开通网上业务，已汇缴至2025年1月" in steps          # the background
    assert "当经办人为职工“张三”办理封存，最后缴存月份为2025年2月" in steps
    assert "那么业务<结果>" in steps
    table = seal.one("table", "examples")
    assert [th.text() for th in table.all("th")] == ["汇缴情况", "结果"]
    rows = [[td.text() for td in tr.all("td")] for tr in table.all("tr") if tr.all("td")]
    assert ["单位“甲”汇缴的2025年2月公积金已到账", "受理"] in rows and len(rows) == 4
    assert not seal.all("pre") and not seal.all("code")  # a real table, not code


def test_step_tables_and_docstrings_are_real_tables_and_quotes(site):
    first = _page(site, "2.3").one("article", "scenario", id="scenario-FIRST-01")
    assert "贵单位数字证书尚未进行住房公积金应用功能的开通" in first.one("blockquote", "doc").text()
    after = parse(site / "feature-3_business-after_submission.html")
    tables = after.all("table", "data")
    assert tables and any(th.text() == "申领方式" for t in tables for th in t.all("th"))


def test_clauses_without_an_online_check_say_why(site):
    reason = squash(_page(site, "0.2").one("p", "no-check").text())
    assert "声明性条款" in reason  # the not_verifiable.toml reason
    offline = _page(site, "1.1.1")
    assert "线下" in offline.one("p", "no-check").text()
    assert offline.one("article", "scenario", id="scenario-OPEN-05").all("span", "tag-offline")
    assert "可检查方式：线下" in squash(offline.one("section", "clause").text())


def test_index_lists_every_clause_with_links_and_counts(site, catalogue):
    index = parse(site / "index.html")
    rows = index.one("table", "clauses").all("tr")[1:]
    assert [r.attrs["id"] for r in rows] == [f"clause-{cid}" for cid in catalogue]
    row = index.one("tr", id="clause-3.3.1")
    assert row.one("a").attrs["href"] == "clause-3.3.1.html#clause-3.3.1"
    assert row.all("td")[3].text().startswith(str(len(scenarios_by_clause()["3.3.1"])))
    assert "政策数据版本" in index.text() and "2026-06-30" in index.text()


# ----------------------------------------------------------------------------- feature files are read every time


def test_a_changed_feature_file_shows_in_the_next_build(tmp_path):
    features = tmp_path / "features"
    shutil.copytree(FEATURES, features)
    seal = features / "3_business" / "seal.feature"
    text = seal.read_text(encoding="utf-8")
    text, n = re.subn(r"(\| 单位“甲”汇缴的2025年2月公积金已到账)(\s+\| 受理\s+\|)", r"\1（改）\2", text)
    assert n == 1
    text += ("\n  @id-SEAL-99\n  场景: 新加的场景<b>&amp;</b>\n"
             "    假如 单位“甲”汇缴的2025年2月公积金已到账\n"
             "    当 经办人为职工“张三”办理封存，最后缴存月份为2025年2月\n"
             "    那么 新的结果\n")
    seal.write_text(text, encoding="utf-8")
    out = tmp_path / "site"
    build_site(out, as_of=AS_OF, features_dir=features)
    page = _page(out, "3.3.1")
    new = page.one("article", "scenario", id="scenario-SEAL-99")
    assert "新加的场景<b>&amp;</b>" in new.text()  # shown as text …
    assert "<b>&amp;</b>" not in (out / "clause-3.3.1.html").read_text(encoding="utf-8")  # … never as markup
    assert "那么新的结果" in squash(new.text())
    cells = [td.text() for td in page.one("article", id="scenario-SEAL-01").all("td")]
    assert "单位“甲”汇缴的2025年2月公积金已到账（改）" in cells
    assert "单位“甲”汇缴的2025年2月公积金已到账" not in cells
    assert any(e["id"] == "SEAL-99" for e in search_index(out))


def test_an_unparseable_feature_file_stops_the_build_with_its_name(tmp_path):
    features = tmp_path / "features"
    (features / "x").mkdir(parents=True)
    (features / "x" / "broken.feature").write_text("# language: zh-CN\n功能: 坏\n  场景: 一\n    假如 甲\n      | a | b |\n      | c |\n",
                                                   encoding="utf-8")
    with pytest.raises(SiteError, match="broken.feature"):
        build_site(tmp_path / "site", as_of=AS_OF, features_dir=features)


# ----------------------------------------------------------------------------- policy as of a date


def _hours(site: Path) -> Node:
    return _page(site, "3.3").one("section", "param", data_parameter="business_hours")


def test_the_value_in_force_follows_the_as_of_date_and_every_period_is_listed(tmp_path):
    policy = policy_with_longer_hours(tmp_path)
    before, after = tmp_path / "before", tmp_path / "after"
    build_site(before, as_of=date(2026, 6, 30), policy_dir=policy)
    build_site(after, as_of=date(2026, 7, 1), policy_dir=policy)

    def in_force(site: Path) -> str:
        return _hours(site).one("p", "in-force").one("strong", "value").text()

    assert "17:00" in in_force(before) and "17:30" not in in_force(before)
    assert "17:30" in in_force(after) and "17:00" not in in_force(after)
    for site, states in ((before, ["现行", "尚未生效"]), (after, ["已被取代", "现行"])):
        rows = _hours(site).one("table", "history").all("tr", "period")
        assert [r.all("td")[0].text() for r in rows] == ["2019-06-01", "2026-07-01"]
        assert [r.all("td")[2].text() for r in rows] == states
        future = rows[1]
        assert future.all("span", "unverified") and "未经核实" in future.text()
        assert SOURCE in future.text()
    assert "2026-07-01起改为" in squash(_hours(before).one("p", "upcoming").text())  # the coming change is announced
    assert parse(before / "policy.html").one("section", "param", id="param-business_hours")


def test_a_value_past_its_review_period_is_flagged(tmp_path):
    far, lenient, fresh = tmp_path / "far", tmp_path / "lenient", tmp_path / "fresh"
    build_site(far, as_of=date(2040, 1, 1))
    build_site(lenient, as_of=date(2040, 1, 1), review_months=1000)
    build_site(fresh, as_of=date(2019, 7, 1))
    assert "需要复核" in _hours(far).one("p", "in-force").text()
    assert _hours(far).all("span", "stale")
    assert not _hours(lenient).all("span", "stale") and "需要复核" not in _hours(lenient).text()
    assert not _hours(fresh).all("span", "stale")
    assert "12 个月" in _hours(fresh).text() and "1000 个月" in _hours(lenient).text()


def test_staleness_counts_whole_months():
    assert not is_stale(date(2025, 1, 31), 1, date(2025, 2, 28))  # due on the last day of February
    assert is_stale(date(2025, 1, 31), 1, date(2025, 3, 1))
    assert not is_stale(None, 1, date(2040, 1, 1))  # never confirmed: flagged 未经核实 instead


def test_unverified_values_are_marked(site):
    pin = _page(site, "2.2").one("section", "param", data_parameter="pin_attempt_limit")
    assert pin.one("p", "in-force").all("span", "unverified")
    initial = _page(site, "2.2").one("section", "param", data_parameter="initial_pin")
    assert not initial.one("p", "in-force").all("span", "unverified")


# ----------------------------------------------------------------------------- readings


def test_readings_are_questions_pending_until_confirmed(site, tmp_path):
    page = parse(site / "readings.html")
    hours = page.one("section", "reading", id="reading-3.3")
    assert "是否包含十七时整" in hours.text() and hours.all("span", "pending")
    assert not page.all("span", "confirmed")

    guide = tmp_path / "guide"
    shutil.copytree(GUIDE, guide)
    readings = guide / "readings.toml"
    text = readings.read_text(encoding="utf-8")
    block = text.index('[readings."3.3"]')
    end = text.index('confirmed_by = ""', block)
    readings.write_text(text[:end] + 'confirmed_by = "归集处 王某"\nconfirmed_on = 2026-05-20\n'
                        + text[end + len('confirmed_by = ""\n'):], encoding="utf-8")
    out = tmp_path / "site"
    build_site(out, as_of=AS_OF, guide_dir=guide)
    hours = parse(out / "readings.html").one("section", "reading", id="reading-3.3")
    assert hours.all("span", "confirmed") and not hours.all("span", "pending")
    assert "归集处 王某" in hours.text() and "2026-05-20" in hours.text()
    assert "归集处 王某" in _page(out, "3.3").text()

    readings.write_text('[readings."3.3"]\nquestion = "？"\nconfirmed_by = "某人"\n', encoding="utf-8")
    with pytest.raises(SiteError, match="confirmed_on"):
        build_site(tmp_path / "bad", as_of=AS_OF, guide_dir=guide)
    readings.write_text('[readings."9.9"]\nquestion = "？"\n', encoding="utf-8")
    with pytest.raises(SiteError, match="9.9"):
        build_site(tmp_path / "bad", as_of=AS_OF, guide_dir=guide)


def test_extra_sections_of_the_catalogue_are_shown(tmp_path):
    guide = tmp_path / "guide"
    shutil.copytree(GUIDE, guide)
    with (guide / "clauses.md").open("a", encoding="utf-8") as f:
        f.write("\n## Open questions\n\n- Is **17:00** inside the hours? See `3.3`.\n")
    build_site(tmp_path / "site", as_of=AS_OF, guide_dir=guide)
    extra = parse(tmp_path / "site" / "readings.html").one("section", "extra")
    assert "Open questions" in extra.text() and extra.one("strong").text() == "17:00"


# ----------------------------------------------------------------------------- verdicts and screenshots


@pytest.fixture
def run_dir(tmp_path) -> Path:
    doc = sample_doc()
    run = tmp_path / "run"
    run.mkdir()
    write_evidence(run, doc)
    (run / "verdicts.json").write_text(json.dumps(doc.dump(), ensure_ascii=False), encoding="utf-8")
    shots = tmp_path / "shots"
    shots.mkdir()
    (shots / "id-SEAL-01-row3.png").write_bytes(tiny_png())
    (shots / "id-SEAL-010.png").write_bytes(tiny_png())  # another ID that merely starts the same
    return run


def test_verdicts_show_as_badges_and_outcomes_per_scenario(run_dir, tmp_path):
    out = tmp_path / "site"
    build_site(out, verdicts=run_dir / "verdicts.json", as_of=AS_OF, screenshots=tmp_path / "shots")
    index = parse(out / "index.html")
    assert index.one("tr", id="clause-2.6").one("span", "v-fail").text() == "不符合"
    assert index.one("tr", id="clause-3.3.1").one("span", "v-pass").text() == "通过"
    assert index.one("tr", id="clause-3.4").one("span", "v-error").text() == "出错"

    seal_page = _page(out, "3.3.1")
    assert seal_page.one("h1").all("span", "v-pass")
    seal = seal_page.one("article", id="scenario-SEAL-01")
    assert "接口" in seal.one("div", "results").text() and seal.one("div", "results").all("span", "o-passed")
    table = seal.one("table", "examples")
    assert [th.text() for th in table.all("th")] == ["汇缴情况", "结果", "结果（接口）"]
    marked = [tr for tr in table.all("tr") if tr.all("span", "o-passed")]
    assert len(marked) == 1 and "已到账" in marked[0].text()  # only the row that ran

    client = _page(out, "2.6").one("article", id="scenario-CLIENT-02")
    assert client.all("span", "o-failed") and "提示文字与指南不一致" in client.text()
    assert PAYLOAD in client.text()  # shown as text …
    assert PAYLOAD not in (out / "clause-2.6.html").read_text(encoding="utf-8")  # … never as markup
    img = client.one("img")
    assert img.attrs["src"].startswith("screens/") and (out / unquote(img.attrs["src"])).is_file()

    shots = [i.attrs["src"] for i in seal.all("img")]
    assert shots == ["screens/id-SEAL-01-row3.png"] and (out / shots[0]).is_file()
    assert "例子第3行" in seal.text()


def test_a_bad_verdicts_file_is_refused(tmp_path):
    bad = tmp_path / "verdicts.json"
    bad.write_text(json.dumps({"schema": "something/9"}), encoding="utf-8")
    with pytest.raises(SiteError, match="verdicts.json"):
        build_site(tmp_path / "site", verdicts=bad, as_of=AS_OF)


# ----------------------------------------------------------------------------- glossary, links, search, HTML


def test_the_glossary_has_the_core_terms(site):
    page = parse(site / "glossary.html")
    rows = {tr.all("td")[0].text(): (tr.all("td")[1].text(), tr.all("td")[2].text())
            for tr in page.one("table", "glossary").all("tr") if tr.all("td")}
    core = {"设立": "establish", "封存": "seal", "启封": "unseal", "转移": "transfer", "补缴": "back_pay",
            "缴存基数": "base", "汇缴": "remittance", "到账": "arrival", "职工清册": "roster", "经办人": "operator",
            "委托收款": "entrusted_collection", "储存卡": "storage_card"}
    for term, ident in core.items():
        found = [(k, v) for k, v in rows.items() if k.split("（")[0] == term]
        assert found, f"glossary lacks {term}"
        assert found[0][1][0] == ident and found[0][1][1].endswith("。")
    for term in ("应汇缴年月", "缴至年月", "业务流水号", "数字证书", "测试控制"):
        assert term in rows
    assert len(GLOSSARY) == len(rows)


def _pages(site: Path) -> list[Path]:
    return sorted(site.glob("*.html"))


def test_links_are_relative_and_resolve_inside_the_site(site, run_dir, tmp_path):
    with_run = tmp_path / "with-run"
    build_site(with_run, verdicts=run_dir / "verdicts.json", as_of=AS_OF, screenshots=tmp_path / "shots")
    for folder in (site, with_run):
        ids = {p.name: {n.attrs["id"] for n in parse(p).iter() if "id" in n.attrs} for p in _pages(folder)}
        checked = 0
        for page in _pages(folder):
            for node in parse(page).iter():
                for attr in URL_ATTRS:
                    if attr not in node.attrs:
                        continue
                    url = node.attrs[attr]
                    parts = urlsplit(url)
                    assert not parts.scheme and not parts.netloc, f"{page.name}: external {attr}={url}"
                    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
                    assert target.is_file(), f"{page.name}: {url} does not resolve"
                    assert folder.resolve() in target.parents or target == page, f"{page.name}: {url} leaves the site"
                    if parts.fragment and target.suffix == ".html":
                        assert parts.fragment in ids[target.name], f"{page.name}: no #{parts.fragment} in {target.name}"
                    checked += 1
        assert checked > 500


def test_pages_are_self_contained_html5_that_prints_on_a4(site):
    for page in _pages(site):
        html = page.read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), page.name
        assert '<meta charset="utf-8">' in html and "<link" not in html, page.name
        assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html), page.name
        assert "@page { size: A4; margin: 15mm; }" in html
        tree = parse(page)
        ids = [n.attrs["id"] for n in tree.iter() if "id" in n.attrs]
        assert len(ids) == len(set(ids)), f"{page.name}: duplicate ids"
    assert "Noto Sans CJK SC" in (site / "index.html").read_text(encoding="utf-8")


def test_the_search_index_holds_clauses_scenarios_and_steps(site, catalogue):
    entries = search_index(site)
    names = {e["t"] for e in entries if e["k"] == "场景"}
    every = [sc.name for scs in scenarios_by_clause().values() for sc in scs]
    assert every and set(every) <= names
    assert {e["id"] for e in entries if e["k"] == "条款"} == set(catalogue)
    seal = next(e for e in entries if e["id"] == "SEAL-01")
    assert "经办人为职工“张三”办理封存" in seal["x"] and seal["u"] == "feature-3_business-seal.html#scenario-SEAL-01"
    html = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="search"' in html and "fetch(" not in html and "XMLHttpRequest" not in html


def test_the_guide_splits_into_clauses():
    text = (GUIDE / "guide-2019-06.txt").read_text(encoding="utf-8")
    got = guide_passages(text, ["0.1", "0.2", "1.0", "1.1.1", "1.1.2", "3.3", "3.3.1", "3.3.2", "4.3", "9.9"])
    assert got["0.2"].lines[0].startswith("注：以上内容如有变化")
    assert got["1.0"].lines[0] == "一、如何开通网上业务？"
    assert got["1.1.1"].lines[0].startswith("选择新办数字证书的单位")
    assert got["3.3"].lines[-1].endswith("但需注意以下两种情况：")  # 3.3.1 and 3.3.2 are clauses of their own
    assert any("企业QQ" in ln for ln in got["4.3"].lines)       # 4.3's sub-items are not
    assert "9.9" not in got and "常州市住房公积金管理中心" not in " ".join(got["4.3"].lines)


# ----------------------------------------------------------------------------- command


def test_the_command_builds_and_reports(tmp_path, capsys):
    out = tmp_path / "docs"
    assert cli.main(["docs", "--out", str(out), "--as-of", "2026-06-30", "--review-months", "6"]) == 0
    assert (out / "index.html").is_file() and "site written" in capsys.readouterr().out
    assert cli.main(["docs", "--out", str(out), "--verdicts", str(tmp_path / "missing.json"), "--as-of", "2026-06-30"]) == 2
    with pytest.raises(SystemExit):
        cli.main(["docs", "--as-of", "30.06.2026"])
    # a rebuild clears what the earlier build left (pages of clauses or features that no longer exist)
    (out / "feature-gone.html").write_text("old", encoding="utf-8")
    assert cli.main(["docs", "--out", str(out), "--as-of", "2026-06-30"]) == 0
    assert not (out / "feature-gone.html").exists()


# ----------------------------------------------------------------------------- in Chromium

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")
def test_search_works_from_disk_and_chinese_renders(site, tmp_path):
    pytest.importorskip("playwright.sync_api")
    from gjj.steps.browser_fixtures import shared_playwright   # one Playwright per process
    with shared_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto((site / "index.html").as_uri())
            box = page.locator("#search")
            assert box.is_visible()
            box.fill("封存后职工账户为封存状态")
            hit = page.locator("#search-results li a").first
            assert hit.inner_text() == "封存后职工账户为封存状态"
            page.screenshot(path=str(tmp_path / "search.png"), full_page=False)
            assert (tmp_path / "search.png").stat().st_size > 1000
            hit.click()
            page.wait_for_url(re.compile(r"feature-3_business-seal\.html#scenario-SEAL-03$"))
            assert all(u.startswith("file://") for u in requests), requests

            # tofu check: two different ideographs in the page's font must not draw the same pixels
            signatures = page.evaluate("""() => {
                const font = getComputedStyle(document.body).fontFamily;
                const sig = (ch) => {
                    const c = document.createElement('canvas'); c.width = 48; c.height = 48;
                    const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, 48, 48);
                    g.fillStyle = '#000'; g.font = '40px ' + font; g.textBaseline = 'top'; g.fillText(ch, 2, 2);
                    const d = g.getImageData(0, 0, 48, 48).data; let s = 0, ink = 0;
                    for (let i = 0; i < d.length; i += 4) { if (d[i] < 128) { ink++; s = (s * 31 + i) % 1000000007; } }
                    return [s, ink];
                };
                return [sig('封'), sig('启'), sig('金')];
            }""")
            assert all(ink > 20 for _, ink in signatures), signatures
            assert len({s for s, _ in signatures}) == 3, f"identical glyphs (tofu): {signatures}"

            page.goto((site / "index.html").as_uri() + "?q=SEAL-01")  # the search form of other pages
            assert page.locator("#search-results li").count() >= 1
        finally:
            browser.close()

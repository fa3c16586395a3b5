"""The report renderers of `gjj certify`: index.html, junit.xml, cucumber.json, manifest.sha256 and the
comparison of two runs, all from the sample verdicts document in reports_sample.py."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote

import pytest
from reports_sample import HTML_SNAPSHOT, PAYLOAD, SCREENSHOT, TARGET_URL, TRACE, sample_doc, write_evidence

from gjj.cli import main as gjj_main
from gjj.reports.compare import DocError, compare
from gjj.reports.cucumber import write_cucumber
from gjj.reports.html import render_html, write_html
from gjj.reports.junit import write_junit
from gjj.reports.labels import OUTCOME_LABELS, VERDICT_LABELS
from gjj.reports.manifest import MANIFEST, verify_manifest, write_manifest
from gjj.reports.model import LEGEND, SCHEMA

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
URL_ATTRS = {"src", "href", "srcset", "action", "formaction", "data", "poster", "background", "xlink:href"}
EXTERNAL = re.compile(r"^\s*([A-Za-z][A-Za-z0-9+.-]*:|//)")


class Page(HTMLParser):
    """What the tests look at: every element with its attributes, all text, and the text under each id."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.by_id: dict[str, tuple[str, dict[str, str]]] = {}
        self.text_of: dict[str, str] = {}
        self.parts: list[str] = []
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)
        self.close()
        self.text = "".join(self.parts)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        if "id" in a:
            assert a["id"] not in self.by_id, f"duplicate id {a['id']}"
            self.by_id[a["id"]] = (tag, a)
            self.text_of[a["id"]] = ""
        if tag not in VOID:
            self._open.append((tag, a.get("id")))

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data):
        self.parts.append(data)
        for _tag, eid in self._open:
            if eid:
                self.text_of[eid] += data

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.elements if t == tag and all(a.get(k) == v for k, v in attrs.items())]


@pytest.fixture(scope="module")
def doc():
    return sample_doc()


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory, doc) -> Path:
    """A report directory as `gjj certify` leaves it."""
    out = tmp_path_factory.mktemp("report")
    write_evidence(out, doc)
    (out / "verdicts.json").write_text(json.dumps(doc.dump(), ensure_ascii=False, indent=2), encoding="utf-8")
    write_html(doc, out)
    write_junit(doc, out)
    write_cucumber(doc, out)
    write_manifest(out)
    return out


@pytest.fixture(scope="module")
def raw_html(report_dir) -> str:
    return (report_dir / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(raw_html) -> Page:
    return Page(raw_html)


def scenario_section(page: Page, key: str) -> str:
    """The text of the detailed section of a scenario that did not pass (its key is shown in it)."""
    found = [page.text_of[a["id"]] for a in page.find("article") if key in page.text_of[a["id"]]]
    assert len(found) == 1, f"{len(found)} sections show {key}"
    return found[0]


# ---------------------------------------------------------------- index.html

def test_page_is_one_valid_chinese_html5_file(raw_html, page):
    assert raw_html.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    assert page.find("meta", charset="utf-8")
    assert "住房公积金网上服务厅一致性认证报告" in page.text and "Conformance report" in page.text
    assert raw_html.count("<script") == 1 and raw_html.count("<style") == 1  # ours, inline
    assert not page.find("link") and "@import" not in raw_html
    assert raw_html.rstrip().endswith("</html>")


def test_page_loads_nothing_from_outside(raw_html, page):
    for tag, attrs in page.elements:
        for name, value in attrs.items():
            if name in URL_ATTRS:
                assert not EXTERNAL.match(value), f"<{tag} {name}={value!r}> leaves the report folder"
    assert not re.search(r"url\(\s*['\"]?\s*([a-z]+:|//)", raw_html, re.IGNORECASE)
    # The target's address is shown, as text only.
    assert TARGET_URL in page.text
    assert f'"{TARGET_URL}' not in raw_html


def test_run_header_says_what_was_run(page, doc):
    run = page.text_of["run"]
    for text in (TARGET_URL, "常州 & 测试门户", "not @slow", "2025-03-05 10:00:00+08:00", "2025-03-05 10:03:25+08:00",
                 "3 分 25 秒", "3 min 25 s", "0.1.0", doc.suite["commit"][:12], "changzhou-2019-06", "2025-03-05",
                 "有条款不符合", "some clause failed", "全部通过", "运行未完成"):
        assert text in run, text
    assert "run-error" not in page.by_id
    preflight = page.text_of["preflight"]
    assert "测试控制接口（test control）" in preflight and "警告" in preflight and "warning" in preflight


def test_run_error_is_prominent_when_the_run_did_not_complete(tmp_path):
    broken = sample_doc(exit_code=2, run_error="目标不可达：连接被拒绝 <ECONNREFUSED> & 重试 3 次均失败")
    page = Page(write_html(broken, tmp_path).read_text(encoding="utf-8"))
    assert page.by_id["run-error"][1].get("role") == "alert"
    assert "目标不可达：连接被拒绝 <ECONNREFUSED> & 重试 3 次均失败" in page.text_of["run-error"]
    assert page.find("div", **{"class": "exit exit-2", "role": "status"})
    assert "运行未完成" in page.text_of["run"]


def test_summary_counts_every_verdict_and_outcome(page, doc):
    counts = page.text_of["clause-counts"]
    for v in ("pass", "fail", "not_verifiable", "error"):
        zh, en = VERDICT_LABELS[v]
        assert re.search(rf"{zh}\s*{re.escape(en)}\s*{doc.summary.clauses[v]}", counts), v
    scenarios = page.text_of["scenario-counts"]
    for o in ("passed", "failed", "error", "not_verifiable"):
        zh, en = OUTCOME_LABELS[o]
        assert re.search(rf"{zh}\s*{re.escape(en)}\s*{doc.summary.scenarios[o]}", scenarios), o


def test_legend_is_on_the_page_in_both_languages(page):
    legend = page.text_of["legend"]
    for zh, en in LEGEND.values():
        assert zh in legend and en in legend


def test_every_clause_has_a_row_in_order_with_its_verdict_in_words(page, doc):
    rows = [a for a in page.find("tr") if "data-clause" in a]
    assert [r["data-clause"] for r in rows] == [c.id for c in doc.clauses]
    for row, clause in zip(rows, doc.clauses):
        assert row["data-verdict"] == clause.verdict
        text = page.text_of[row["id"]]
        zh, en = VERDICT_LABELS[clause.verdict]
        assert zh in text and en in text, clause.id  # words, not colour only
        assert clause.text in text and clause.topic in text
        if clause.reason:
            assert clause.reason in text and clause.reason_en in text
        for key in clause.scenarios:
            assert key in text


def test_clause_filter_is_there_only_for_javascript(page):
    buttons = [a["data-filter"] for a in page.find("button") if "data-filter" in a]
    assert buttons == ["all", "pass", "fail", "not_verifiable", "error"]
    assert page.find("div", **{"class": "filters", "data-js-only": "", "hidden": ""})
    assert page.find("div", **{"class": "toolbar no-print", "data-js-only": "", "hidden": ""})


def test_every_label_exists_in_both_languages(page):
    zh = [a for t, a in page.elements if a.get("class") == "zh"]
    en = [a for t, a in page.elements if a.get("class") == "en"]
    assert len(zh) == len(en) > 50


def test_everything_from_the_document_is_escaped(raw_html, page):
    assert PAYLOAD not in raw_html and "<script>alert" not in raw_html
    assert "&lt;script&gt;alert(" in raw_html
    assert PAYLOAD in page.text  # shown to the reader, as text
    assert "常州 &amp; 测试门户" in raw_html
    assert "登录页 HTML 快照 <body>" in page.text and raw_html.count("<body") == 1
    assert "\x1b" not in raw_html and "[31m" not in raw_html  # colour codes from a traceback


def test_failed_scenario_shows_steps_message_expected_actual_and_evidence(page, doc, report_dir):
    client = next(s for s in doc.scenarios if s.key == "CLIENT-02[web]")
    section = scenario_section(page, client.key)
    for text in (client.name, f"{client.feature}:{client.line}", client.feature_name, client.failure.message,
                 client.failure.expected, client.failure.actual, "✓", "✗", "期望", "实际", "2.6"):
        assert text in section, text
    assert "AssertionError: 提示文字不同" in section  # the detail, in a <details>
    for step in client.steps:
        assert step.text in section
    images = page.find("img")
    assert [i["src"] for i in images] == [quote(SCREENSHOT)]
    assert images[0]["loading"] == "lazy" and images[0]["alt"] == client.evidence[0].label
    assert (report_dir / unquote(images[0]["src"])).is_file()
    hrefs = {a["href"] for a in page.find("a")}
    assert quote(HTML_SNAPSHOT) in hrefs and quote(TRACE) in hrefs
    assert "登录页 HTML 快照 <body>" in section and "Playwright trace" in section


def test_the_failing_step_is_marked(raw_html, doc):
    marked = re.findall(r'<li class="st-(\w+) st-failing">(.*?)</li>', raw_html)
    failing = [s for s in doc.scenarios if s.failure]
    assert [m[0] for m in marked] == [s.steps[s.failure.step].outcome for s in failing]
    for (_outcome, li), s in zip(marked, failing):
        assert Page(li).text.find(s.steps[s.failure.step].text) >= 0


def test_outline_row_and_error_scenario(page, doc):
    hours = scenario_section(page, "HRS-04[row1][api]")
    assert "业务办理" in hours and "经办人为职工“张三”办理封存，最后缴存月份为2025年2月" in hours
    assert "POST /api/v1/businesses/seal → 201 (35 ms)" in hours
    error = scenario_section(page, "BACKPAY-02[api]")
    assert "目标无响应：读取超时（10 s）" in error and "不代表门户不符合" in error
    assert "–" in error  # the steps that never ran
    assert "ReadTimeout" in error


def test_passed_and_not_verifiable_scenarios_are_listed_compactly(page, doc):
    others = page.text_of["others"]
    for s in doc.scenarios:
        if s.outcome in ("passed", "not_verifiable"):
            assert s.name in others, s.key
        else:
            assert s.name not in others, s.key
    assert "线下办理：在公积金中心柜面填写申请单，网上服务厅无法观察" in others
    assert len(page.find("details", **{"class": "feature-group"})) == 3


def test_every_in_page_link_lands_somewhere(page, doc):
    links = [a["href"] for a in page.find("a") if a.get("href", "").startswith("#")]
    assert len(links) > 10
    for href in links:
        assert href[1:] in page.by_id, href
    # Every scenario a clause cites is reached from the clause's row, at the scenario's own entry.
    chips = [a for a in page.find("a") if a.get("class", "").startswith("chip ")]
    assert len(chips) == sum(len(c.scenarios) for c in doc.clauses)
    for chip in chips:
        tag, _attrs = page.by_id[chip["href"][1:]]
        name = chip["title"]
        assert tag in ("article", "li") and name in page.text_of[chip["href"][1:]]


def test_renderers_take_the_json_dict_too_and_refuse_other_schemas(tmp_path, doc):
    assert render_html(doc.dump()) == render_html(doc)
    data = doc.dump()
    data["schema"] = "gjj-verdicts/0"
    for writer in (write_html, write_junit, write_cucumber):
        with pytest.raises(DocError, match="gjj-verdicts/0"):
            writer(data, tmp_path)
    assert not list(tmp_path.iterdir())


def test_rendering_is_deterministic(doc):
    assert render_html(sample_doc()) == render_html(doc)


# ---------------------------------------------------------------- junit.xml

def test_junit_totals_match_the_document(report_dir, doc):
    raw = (report_dir / "junit.xml").read_bytes()
    assert raw.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    root = ET.fromstring(raw)
    assert root.tag == "testsuites"
    s = doc.summary.scenarios
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        str(len(doc.scenarios)), str(s["failed"]), str(s["error"]), str(s["not_verifiable"]))
    assert float(root.get("time")) == doc.duration_s
    suites = root.findall("testsuite")
    assert [x.get("file") for x in suites] == list(dict.fromkeys(sc.feature for sc in doc.scenarios))
    assert sum(int(x.get("tests")) for x in suites) == len(doc.scenarios)
    assert sum(int(x.get("failures")) for x in suites) == s["failed"]
    assert len(root.findall("testsuite/testcase")) == len(doc.scenarios)


def test_junit_testcases_carry_outcome_clauses_and_names(report_dir, doc):
    root = ET.parse(report_dir / "junit.xml").getroot()
    cases = {c.find("properties/property[@name='key']").get("value"): c for c in root.iter("testcase")}
    assert set(cases) == {s.key for s in doc.scenarios}
    for s in doc.scenarios:
        case = cases[s.key]
        assert case.get("name").startswith(f"{s.id} {s.name} [{s.driver}]")
        assert case.get("classname") == s.feature.removesuffix(".feature").replace("/", ".")
        assert [p.get("value") for p in case.findall("properties/property[@name='clause']")] == s.clauses
        kinds = [child.tag for child in case if child.tag in ("failure", "error", "skipped")]
        assert kinds == {"passed": [], "failed": ["failure"], "error": ["error"],
                         "not_verifiable": ["skipped"]}[s.outcome], s.key
    failure = cases["CLIENT-02[web]"].find("failure")
    assert failure.get("type") == "fail" and failure.get("message") == "提示文字与指南不一致"
    assert PAYLOAD in failure.text and "期望（expected）" in failure.text
    assert "evidence/CLIENT-02 web/登录异常.png" in cases["CLIENT-02[web]"].find("system-out").text
    error = cases["BACKPAY-02[api]"].find("error")
    assert error.get("message") == "目标无响应：读取超时（10 s）" and "\x1b" not in error.text
    assert "线下办理" in cases["OPEN-05[api]"].find("skipped").get("message")
    assert "业务办理=" in cases["HRS-04[row1][api]"].get("name")


def test_junit_counts_an_unfinished_run_as_an_error(tmp_path):
    root = ET.parse(write_junit(sample_doc(exit_code=2, run_error="目标无响应"), tmp_path)).getroot()
    assert root.get("errors") == "2" and root.get("tests") == "8"
    assert root.find("testsuite/testcase/error[@type='run_error']").text == "目标无响应"


# ---------------------------------------------------------------- cucumber.json

def test_cucumber_json_has_the_standard_shape(report_dir, doc):
    features = json.loads((report_dir / "cucumber.json").read_text(encoding="utf-8"))
    assert isinstance(features, list)
    assert [f["uri"] for f in features] == list(dict.fromkeys(s.feature for s in doc.scenarios))
    for f in features:
        assert f["keyword"] == "功能" and f["name"] and f["id"] and isinstance(f["line"], int)
        assert all(t["name"].startswith("@") for t in f["tags"])
        ids = [e["id"] for e in f["elements"]]
        assert len(ids) == len(set(ids))
        for e in f["elements"]:
            assert e["type"] == "scenario" and e["keyword"] == "场景" and e["id"].startswith(f["id"] + ";")
            assert {"line", "name", "description", "steps", "tags"} <= set(e)
            for step in e["steps"]:
                assert {"keyword", "name", "line", "result"} <= set(step)
                result = step["result"]
                assert result["status"] in ("passed", "failed", "skipped", "undefined")
                assert isinstance(result["duration"], int) and result["duration"] >= 0
                if result["status"] == "failed":  # strict readers refuse a failure without a message
                    assert result["error_message"]
    seal = next(f for f in features if f["uri"].endswith("seal.feature"))
    assert {"name": "@guide-3.3.1"} in seal["tags"]
    assert sum(len(f["elements"]) for f in features) == len(doc.scenarios)


def test_cucumber_statuses_follow_the_outcomes(report_dir):
    features = json.loads((report_dir / "cucumber.json").read_text(encoding="utf-8"))
    elements = {e["name"].split(" ")[0] + e["name"][e["name"].rindex("["):].split("]")[0]: e
                for f in features for e in f["elements"]}
    statuses = {k: [s["result"]["status"] for s in e["steps"]] for k, e in elements.items()}
    assert statuses["FIRST-01[api"] == ["passed"] * 3
    assert statuses["CLIENT-02[web"] == ["passed", "passed", "passed", "failed"]
    assert statuses["BACKPAY-02[api"] == ["passed", "failed", "skipped", "skipped"]
    assert statuses["OPEN-05[api"] == ["skipped"] * 3
    backpay = elements["BACKPAY-02[api"]["steps"][1]["result"]["error_message"]
    assert "目标无响应：读取超时（10 s）" in backpay and "出错" in backpay and "\x1b" not in backpay
    client = elements["CLIENT-02[web"]["steps"][3]["result"]
    assert "提示文字与指南不一致" in client["error_message"] and PAYLOAD in client["error_message"]
    assert client["duration"] == 200_000_000
    assert {"name": "@id-CLIENT-02"} in elements["CLIENT-02[web"]["tags"]
    assert elements["CLIENT-02[web"]["steps"][0]["keyword"] == "假如 "


def test_cucumber_fails_the_step_that_errored_even_without_an_index(tmp_path):
    doc = sample_doc()
    next(s for s in doc.scenarios if s.key == "BACKPAY-02[api]").failure.step = None
    features = json.loads(write_cucumber(doc, tmp_path).read_text(encoding="utf-8"))
    element = next(e for f in features for e in f["elements"] if e["name"].startswith("BACKPAY-02"))
    assert [s["result"]["status"] for s in element["steps"]] == ["passed", "failed", "skipped", "skipped"]
    assert "目标无响应" in element["steps"][1]["result"]["error_message"]
    assert "before" not in element and "after" not in element


def test_cucumber_reports_a_failure_outside_the_steps_as_a_hook(tmp_path):
    doc = sample_doc()
    client = next(s for s in doc.scenarios if s.key == "CLIENT-02[web]")
    client.failure.step = None
    for st in client.steps:
        st.outcome = "not_run"
    features = json.loads(write_cucumber(doc, tmp_path).read_text(encoding="utf-8"))
    element = next(e for f in features for e in f["elements"] if e["name"].startswith("CLIENT-02"))
    assert [s["result"]["status"] for s in element["steps"]] == ["skipped"] * 4
    assert element["before"][0]["result"]["status"] == "failed"
    assert "提示文字与指南不一致" in element["before"][0]["result"]["error_message"]


# ---------------------------------------------------------------- manifest.sha256

def _copy(report_dir: Path, tmp_path: Path) -> Path:
    out = tmp_path / "report"
    shutil.copytree(report_dir, out)
    return out


def test_manifest_lists_every_file_sorted_in_sha256sum_format(report_dir):
    lines = (report_dir / MANIFEST).read_text(encoding="utf-8").splitlines()
    paths = [line[66:] for line in lines]
    assert all(re.fullmatch(r"[0-9a-f]{64}  \S.*", line) for line in lines)
    assert paths == sorted(paths)
    expected = sorted(p.relative_to(report_dir).as_posix() for p in report_dir.rglob("*")
                      if p.is_file() and p.name != MANIFEST)
    assert paths == expected
    assert {"index.html", "junit.xml", "cucumber.json", "verdicts.json", SCREENSHOT} <= set(paths)
    assert verify_manifest(report_dir) == []


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="no sha256sum on this machine")
def test_sha256sum_accepts_the_manifest(report_dir, tmp_path):
    out = _copy(report_dir, tmp_path)
    (out / "evidence" / "odd name\\with backslash.txt").write_text("x", encoding="utf-8")
    write_manifest(out)
    run = subprocess.run(["sha256sum", "--strict", "-c", MANIFEST], cwd=out, capture_output=True, text=True,
                         check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert verify_manifest(out) == []
    (out / "junit.xml").write_text("<testsuites/>", encoding="utf-8")
    assert subprocess.run(["sha256sum", "-c", MANIFEST], cwd=out, capture_output=True, check=False).returncode != 0


def test_verify_manifest_names_changed_missing_and_added_files(report_dir, tmp_path):
    out = _copy(report_dir, tmp_path)
    with (out / "index.html").open("a", encoding="utf-8") as f:
        f.write("<!-- edited -->")
    (out / HTML_SNAPSHOT).unlink()
    (out / "evidence" / "extra.png").write_bytes(b"\x89PNG")
    problems = verify_manifest(out)
    assert len(problems) == 3, problems
    assert any("index.html" in p and "changed" in p and "已改动" in p for p in problems)
    assert any(HTML_SNAPSHOT in p and "missing" in p for p in problems)
    assert any("evidence/extra.png" in p and "added" in p for p in problems)
    (out / MANIFEST).unlink()
    assert "missing manifest" in verify_manifest(out)[0]


# ---------------------------------------------------------------- compare

def _write(path: Path, data: dict) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_identical_runs_compare_unchanged(tmp_path, doc, capsys):
    result = compare(doc, doc.dump())
    assert not result.changed and not result.scenario_changes
    assert "条款结论没有变化" in result.render()
    old = _write(tmp_path / "old.json", doc.dump())
    assert gjj_main(["compare", old, old]) == 0
    assert "no clause verdict changed" in capsys.readouterr().out


def test_a_changed_verdict_is_reported_and_exits_1(tmp_path, doc, capsys):
    new = doc.dump()
    clause = next(c for c in new["clauses"] if c["id"] == "3.3")
    clause["verdict"] = "pass"
    next(s for s in new["scenarios"] if s["key"] == "HRS-04[row1][api]")["outcome"] = "passed"
    new["clauses"] = [c for c in new["clauses"] if c["id"] != "1.1.1"] + [
        {**clause, "id": "3.5", "verdict": "fail", "scenarios": []}]
    result = compare(doc, new)
    assert result.changed
    assert result.clause_changes == [("3.3", "fail", "pass")]
    assert result.clauses_added == [("3.5", "fail")] and result.clauses_removed == [("1.1.1", "not_verifiable")]
    assert result.scenario_changes == [("HRS-04[row1][api]", "failed", "passed")]
    text = result.render()
    assert re.search(r"3\.3\s+不符合（fail） → 通过（pass）", text)
    assert "HRS-04[row1][api]" in text and "3.5" in text and "1.1.1" in text
    assert gjj_main(["compare", _write(tmp_path / "a.json", doc.dump()), _write(tmp_path / "b.json", new)]) == 1
    assert "有条款的结论发生了变化" in capsys.readouterr().out


def test_a_scenario_change_alone_does_not_change_the_exit_status(doc):
    new = doc.dump()
    next(s for s in new["scenarios"] if s["key"] == "SEAL-03[api]")["outcome"] = "failed"
    result = compare(doc, new)
    assert not result.changed and result.scenario_changes == [("SEAL-03[api]", "passed", "failed")]
    assert "SEAL-03[api]" in result.render()


def test_unreadable_input_exits_2_naming_the_file(tmp_path, doc, capsys):
    good = _write(tmp_path / "good.json", doc.dump())
    wrong = _write(tmp_path / "wrong-schema.json", {**doc.dump(), "schema": "gjj-verdicts/2"})
    assert gjj_main(["compare", good, wrong]) == 2
    err = capsys.readouterr().err
    assert "wrong-schema.json" in err and "gjj-verdicts/2" in err and SCHEMA in err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    assert gjj_main(["compare", str(broken), good]) == 2
    assert "broken.json" in capsys.readouterr().err
    assert gjj_main(["compare", str(tmp_path / "absent.json"), good]) == 2
    assert "absent.json" in capsys.readouterr().err
    with pytest.raises(DocError, match="gjj-verdicts/2"):
        compare({**doc.dump(), "schema": "gjj-verdicts/2"}, doc)


# ---------------------------------------------------------------- in a browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium on this machine")
def test_toggle_and_filter_work_in_a_browser(report_dir):
    pytest.importorskip("playwright.sync_api")
    url = (report_dir / "index.html").as_uri()
    from gjj.steps.browser_fixtures import shared_playwright   # one Playwright per process
    with shared_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            # Without JavaScript: Chinese, every clause, no buttons that would do nothing.
            context = browser.new_context(java_script_enabled=False)
            page = context.new_page()
            page.goto(url)
            assert page.locator("h1 .zh").is_visible() and not page.locator("h1 .en").is_visible()
            assert not page.locator("#lang-toggle").is_visible()
            assert page.locator("#clause-table tbody tr:visible").count() == 6
            context.close()

            page = browser.new_page()
            requested: list[str] = []
            page.on("request", lambda r: requested.append(r.url))
            page.goto(url)
            page.wait_for_load_state("load")
            assert page.locator("h1 .zh").is_visible() and not page.locator("h1 .en").is_visible()
            page.click("#lang-toggle")
            assert page.locator("h1 .en").is_visible() and not page.locator("h1 .zh").is_visible()
            assert page.locator("h1").inner_text() == "Conformance report"
            assert page.evaluate("document.documentElement.lang") == "en"
            assert page.locator("#lang-toggle").inner_text() == "中文"

            page.click("button[data-filter='fail']")
            visible = page.locator("#clause-table tbody tr:visible")
            assert visible.count() == 2
            assert {visible.nth(i).get_attribute("data-clause") for i in range(2)} == {"2.6", "3.3"}
            page.click("button[data-filter='all']")
            assert page.locator("#clause-table tbody tr:visible").count() == 6

            # A link to a passed scenario opens its collapsed group.
            page.click("#clause-table a.chip:has-text('SEAL-01[row3][api]')")
            assert page.locator("li:has-text('封存时间窗口两端的前一步和后一步')").is_visible()
            page.locator("img").scroll_into_view_if_needed()
            page.wait_for_function("document.querySelector('img').complete")
            assert page.evaluate("document.querySelector('img').naturalWidth") == 4
            assert all(u.startswith("file://") for u in requested), requested
        finally:
            browser.close()

"""A realistic verdicts document for the report renderers' tests.

Six clauses cover the four verdicts; seven scenarios cover the four outcomes, an outline row, a web
scenario with screenshot + HTML + trace evidence, a harness error and an offline clause. Some texts
carry `<script>`, `&` and quotes, as a portal's own page text could, to prove every renderer escapes.
"""
from __future__ import annotations

import struct
import zlib
from pathlib import Path

from gjj.reports.model import ClauseVerdict, Evidence, Failure, Scenario, Step, Summary, VerdictsDoc

# What a hostile or broken portal might put in its page; it must reach a report only as text.
PAYLOAD = '<script>alert("公积金 & \'x\'")</script>'
TARGET_URL = "https://gjj.example.invalid/wsfwt"

SCREENSHOT = "evidence/CLIENT-02 web/登录异常.png"
HTML_SNAPSHOT = "evidence/CLIENT-02 web/login.html"
TRACE = "evidence/CLIENT-02 web/trace.zip"
HTTP_LOG = "evidence/HRS-04 row1 api/http.json"


def _steps(*items: tuple[str, str, str]) -> list[Step]:
    return [Step(keyword=k, text=t, outcome=o, duration_s=0.05 * (i + 1)) for i, (k, t, o) in enumerate(items)]


def sample_scenarios() -> list[Scenario]:
    first = Scenario(
        key="FIRST-01[api]", id="FIRST-01", name="首次登录时出现开通提示",
        feature="features/2_login/first_login.feature", feature_name="首次登录的开通提示", line=12,
        clauses=["2.3"], tags=["guide-2.3", "id-FIRST-01"], driver="api", outcome="passed", duration_s=0.4,
        steps=_steps(("假如", "单位“甲”已有江苏CA数字证书，尚未开通公积金应用", "passed"),
                     ("当", "经办人使用口令“123456”登录", "passed"),
                     ("那么", "出现提示：贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？", "passed")))
    client = Scenario(
        key="CLIENT-02[web]", id="CLIENT-02", name="未安装数字证书助手时登录出现登录异常提示",
        feature="features/2_login/client_programs.feature", feature_name="客户端程序与登录、打印故障", line=17,
        clauses=["2.6"], tags=["web", "guide-2.6", "id-CLIENT-02"], driver="web", outcome="failed",
        duration_s=3.25,
        steps=_steps(("假如", "使用者的电脑没有安装数字证书助手", "passed"),
                     ("并且", "单位“甲”已开通网上业务，已汇缴至2025年2月", "passed"),
                     ("当", "经办人登录网上服务厅", "passed"),
                     ("那么", "出现提示：登录异常，请检查1、如未下载证书助手，请下载并安装。", "failed")),
        failure=Failure(
            kind="fail", step=3, message="提示文字与指南不一致",
            expected="登录异常，请检查1、如未下载证书助手，请下载并安装。2、如已下载，请检测并修复。"
                     "3、如仍未解决请联系江苏CA客服025-96010",
            actual=f"登录失败 {PAYLOAD} 请联系管理员 & 重试",
            detail="AssertionError: 提示文字不同\n  期望 \"登录异常，请检查1…\"\n  实际 \"登录失败 …\""),
        evidence=[Evidence(kind="screenshot", path=SCREENSHOT, label="登录页：出现“登录失败”提示"),
                  Evidence(kind="html", path=HTML_SNAPSHOT, label="登录页 HTML 快照 <body>"),
                  Evidence(kind="trace", path=TRACE, label="Playwright trace")])
    hours = Scenario(
        key="HRS-04[row1][api]", id="HRS-04", name="每一项业务在办理时间外提交都不受理",
        feature="features/3_business/business_hours.feature", feature_name="网上业务的办理时间", line=40,
        clauses=["3.3", "0.1"], tags=["guide-3.3", "guide-0.1", "id-HRS-04"], driver="api",
        example={"业务办理": "经办人为职工“张三”办理封存，最后缴存月份为2025年2月"}, outcome="failed", duration_s=0.8,
        steps=_steps(("假如", "单位“甲”有正常缴存的职工“张三”", "passed"),
                     ("并且", "现在是2025年3月5日（星期三）17:00:00", "passed"),
                     ("当", "经办人为职工“张三”办理封存，最后缴存月份为2025年2月", "passed"),
                     ("那么", "业务不受理，原因是“不在网上业务的办理时间内”", "failed")),
        failure=Failure(kind="fail", step=3, message="17:00:00 提交的封存被受理了",
                        expected="不受理，原因是“不在网上业务的办理时间内”", actual="受理（业务编号 FC2025030500017）",
                        detail="POST /api/v1/businesses/seal → 201"),
        evidence=[Evidence(kind="http", path=HTTP_LOG, label="POST /api/v1/businesses/seal → 201 (35 ms)")])
    seal = Scenario(
        key="SEAL-01[row3][api]", id="SEAL-01", name="封存时间窗口两端的前一步和后一步",
        feature="features/3_business/seal.feature", feature_name="封存的时间窗口", line=13,
        clauses=["3.3.1"], tags=["guide-3.3.1", "id-SEAL-01"], driver="api",
        example={"汇缴情况": "单位“甲”汇缴的2025年2月公积金已到账", "结果": "受理"}, outcome="passed", duration_s=0.3,
        steps=_steps(("假如", "单位“甲”汇缴的2025年2月公积金已到账", "passed"),
                     ("当", "经办人为职工“张三”办理封存，最后缴存月份为2025年2月", "passed"),
                     ("那么", "业务受理", "passed")))
    seal3 = Scenario(
        key="SEAL-03[api]", id="SEAL-03", name="封存后职工账户为封存状态",
        feature="features/3_business/seal.feature", feature_name="封存的时间窗口", line=26,
        clauses=["3.3.1", "3.3"], tags=["guide-3.3.1", "id-SEAL-03"], driver="api", outcome="passed",
        duration_s=0.2,
        steps=_steps(("假如", "单位“甲”汇缴的2025年2月公积金已到账", "passed"),
                     ("当", "经办人为职工“张三”办理封存，最后缴存月份为2025年2月", "passed"),
                     ("那么", "职工“张三”的账户状态为“封存”", "passed")))
    backpay = Scenario(
        key="BACKPAY-02[api]", id="BACKPAY-02", name="未及时启封造成的欠缴可以在网上补缴",
        feature="features/3_business/back_pay.feature", feature_name="网上个别补缴", line=25,
        clauses=["3.4"], tags=["guide-3.4", "id-BACKPAY-02"], driver="api", outcome="error", duration_s=10.1,
        steps=_steps(("假如", "单位“甲”有封存的职工“李四”，最后缴存月份为2024年10月", "passed"),
                     ("并且", "经办人已为职工“李四”办理启封，起缴月份为2025年3月", "error"),
                     ("当", "经办人为职工“李四”办理个别补缴，原因为“未及时启封”，补缴月份为2024年11月至2025年2月", "not_run"),
                     ("那么", "业务受理", "not_run")),
        failure=Failure(kind="error", step=1, message="目标无响应：读取超时（10 s）",
                        detail="\x1b[31mrequests.exceptions.ReadTimeout\x1b[0m: HTTPSConnectionPool(host="
                               "'gjj.example.invalid', port=443): Read timed out. (read timeout=10)"))
    offline = Scenario(
        key="OPEN-05[api]", id="OPEN-05", name="新办数字证书的单位填写申请单，两周内有人回访",
        feature="features/1_opening/opening.feature", feature_name="开通网上业务", line=40,
        clauses=["1.1.1"], tags=["guide-1.1.1", "offline", "id-OPEN-05"], driver="api", outcome="not_verifiable",
        reason="线下办理：在公积金中心柜面填写申请单，网上服务厅无法观察", reason_code="offline",
        steps=_steps(("假如", "单位“甲”在公积金中心柜面填写了《江苏省组织机构电子证书业务申请单》", "skipped"),
                     ("当", "同和软件相关人员进行回访", "skipped"),
                     ("那么", "回访在两周内完成", "skipped")))
    return [first, client, hours, seal, seal3, backpay, offline]


def sample_clauses() -> list[ClauseVerdict]:
    return [
        ClauseVerdict(id="1.1.1", topic="New certificate: paper form, call back within two weeks",
                      text="新办数字证书…填写《江苏省组织机构电子证书业务申请单》，同和软件相关人员将会在两周内进行回访",
                      checkable="offline", verdict="not_verifiable",
                      reason="线下办理的条款：在柜面填写申请单，网上服务厅无法观察",
                      reason_en="Offline clause: the form is filled in at a counter; the portal cannot show it",
                      scenarios=["OPEN-05[api]"]),
        ClauseVerdict(id="2.3", topic="First login prompt",
                      text="首次登录…提示“贵单位数字证书尚未进行住房公积金应用功能的开通，是否进行开通？”…点击“是”",
                      checkable="api+web", verdict="pass", scenarios=["FIRST-01[api]"]),
        ClauseVerdict(id="2.6", topic="Login fault when the certificate assistant is missing",
                      text=f"提示“登录异常，请检查1、如未下载证书助手，请下载并安装。” & {PAYLOAD}",
                      checkable="web", verdict="fail", scenarios=["CLIENT-02[web]"]),
        ClauseVerdict(id="3.3", topic="Seal/unseal only in business hours",
                      text="网上办理职工账户封存、启封业务没有时间限制，只需在网上业务的办理时间（工作日的九时至十七时）内操作即可",
                      checkable="api+web", verdict="fail", scenarios=["HRS-04[row1][api]", "SEAL-03[api]"]),
        ClauseVerdict(id="3.3.1", topic="Seal window",
                      text="封存请在该职工最后一个月的公积金到账之后、单位汇缴下个月的公积金之前办理",
                      checkable="api+web", verdict="pass", scenarios=["SEAL-01[row3][api]", "SEAL-03[api]"]),
        ClauseVerdict(id="3.4", topic="Online back-pay only for late set-up or late unseal",
                      text="因未及时帮新入职职工建立公积金账户或办理启封手续而造成欠缴的，可以…在网上办理公积金个别补缴手续",
                      checkable="api+web", verdict="error",
                      reason="目标无响应：读取超时（10 s），无法判断门户是否符合",
                      reason_en="Target did not respond: read timed out (10 s); no finding against the portal",
                      scenarios=["BACKPAY-02[api]"]),
    ]


def sample_doc(**changes) -> VerdictsDoc:
    """The sample run; keyword arguments replace top-level fields (e.g. run_error, exit_code)."""
    clauses, scenarios = sample_clauses(), sample_scenarios()
    doc = VerdictsDoc(
        suite={"name": "gjj-conformance", "version": "0.1.0", "commit": "3f2a9c1d5e7b8a0f4c6d2e1b9a8c7d6e5f4a3b2c"},
        guide={"id": "changzhou-2019-06", "sha256": "9b1d" + "0" * 60},
        policy={"as_of": "2025-03-05", "values": [
            {"parameter": "business_hours", "value": "工作日 09:00–17:00", "effective_from": "2019-06-01",
             "verified": True, "source": "指南三、3"},
            {"parameter": "pin_lock_after", "value": "10", "effective_from": "2019-06-01", "verified": False},
        ]},
        target={"base_url": TARGET_URL, "control_url": None, "embedded": False, "name": "常州 & 测试门户"},
        mode="all", tags="not @slow",
        started_at="2025-03-05T10:00:00+08:00", finished_at="2025-03-05T10:03:25+08:00", duration_s=205.0,
        exit_code=1,
        preflight=[{"check": "目标可达（target reachable）", "status": "ok", "detail": "HTTP 200，0.12 s"},
                   {"check": "测试控制接口（test control）", "status": "warn", "detail": "未提供：依赖测试控制的场景无法验证"}],
        summary=Summary(clauses={v: sum(c.verdict == v for c in clauses)
                                 for v in ("pass", "fail", "not_verifiable", "error")},
                        scenarios={o: sum(s.outcome == o for s in scenarios)
                                   for o in ("passed", "failed", "error", "not_verifiable")}),
        clauses=clauses, scenarios=scenarios)
    return doc.model_copy(update=changes) if changes else doc


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG (red pixels), built by hand so the tests need no imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xcc\x22\x22" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def write_evidence(out_dir: Path, doc: VerdictsDoc) -> None:
    """Create the evidence files the document names, as a run would have left them."""
    for s in doc.scenarios:
        for ev in s.evidence:
            path = out_dir / ev.path
            path.parent.mkdir(parents=True, exist_ok=True)
            if ev.kind == "screenshot":
                path.write_bytes(tiny_png())
            elif ev.kind == "trace":
                path.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip archive
            else:
                path.write_text(f"{ev.kind}: {ev.label}\n", encoding="utf-8")

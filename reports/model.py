"""The verdicts document (`verdicts.json`): what a certification run concluded, clause by clause.

This is the contract between the run (``reports.collect`` records scenarios, ``reports.verdicts``
turns them into clause verdicts) and everything that reads a run: the HTML page, JUnit and
Cucumber files, the comparison of two runs, and the living documentation. Versioned: a reader
checks ``schema`` before anything else. Paths are relative to the report directory.
"""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA = "gjj-verdicts/1"

Verdict = Literal["pass", "fail", "not_verifiable", "error"]
ScenarioOutcome = Literal["passed", "failed", "error", "not_verifiable"]
StepOutcome = Literal["passed", "failed", "error", "skipped", "not_run"]
Mode = Literal["api", "web", "all"]

# Every report shows this legend (Chinese first, English second).
LEGEND: dict[str, tuple[str, str]] = {
    "pass": ("通过：引用本条款的每个场景都通过", "pass: every scenario citing the clause passed"),
    "fail": ("不符合：至少一个场景表明门户的行为与条款不符", "fail: at least one scenario shows the portal "
             "behaving against the clause"),
    "not_verifiable": ("无法验证：线下办理、没有测试控制接口或未声明该功能等，原因见条款",
                       "not verifiable: offline clause, no test control, capability not declared … "
                       "(the reason is given)"),
    "error": ("出错：工具未能完成检查（目标不可达、超时、响应格式错误），不代表门户不符合",
              "error: the harness could not complete the check (target down, timeout, malformed "
              "response); not a finding against the portal"),
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(_Strict):
    kind: Literal["http", "screenshot", "html", "trace", "log"]
    path: str                       # relative to the report directory
    label: str = ""                 # e.g. "POST /api/v1/businesses/seal → 201 (35 ms)"


class Step(_Strict):
    keyword: str                    # 假如 / 当 / 那么 / 并且 / 而且 / 但是
    text: str
    outcome: StepOutcome
    duration_s: float = 0.0


class Failure(_Strict):
    kind: Literal["fail", "error"]  # fail: the portal is wrong; error: the harness could not tell
    message: str                    # first line, Chinese when the step said it in Chinese
    step: int | None = None         # index into steps of the step that failed
    expected: str | None = None
    actual: str | None = None
    detail: str = ""                # the longer traceback text, trimmed


class Scenario(_Strict):
    key: str                        # unique in the run, e.g. "SEAL-01[row2][web]"
    id: str                         # the stable @id-… without the prefix, e.g. "SEAL-01"
    name: str                       # the scenario's title (Chinese)
    feature: str                    # path of the feature file, relative to the project
    feature_name: str
    line: int = 0
    clauses: list[str]              # the clause IDs it cites
    tags: list[str] = Field(default_factory=list)
    driver: Literal["api", "web"]
    example: dict[str, str] = Field(default_factory=dict)  # the example row of an outline
    outcome: ScenarioOutcome
    reason: str | None = None       # for not_verifiable: why (Chinese)
    reason_code: str | None = None  # offline | web_only | no_test_control | capability | filtered
    duration_s: float = 0.0
    steps: list[Step] = Field(default_factory=list)
    failure: Failure | None = None
    evidence: list[Evidence] = Field(default_factory=list)


class ClauseVerdict(_Strict):
    id: str                         # "3.3.1"; a catalogue range such as 4.1–4.4 is one entry per clause
    topic: str                      # the catalogue's topic column (English)
    text: str                       # the guide's words (the catalogue's excerpt)
    checkable: str                  # api | web | api+web | offline | —
    verdict: Verdict
    reason: str | None = None       # Chinese, for not_verifiable / error
    reason_en: str | None = None
    scenarios: list[str] = Field(default_factory=list)   # Scenario.key of every scenario citing it


class Summary(_Strict):
    clauses: dict[str, int]         # verdict -> count (all four keys present)
    scenarios: dict[str, int]       # outcome -> count (all four keys present)


class PolicyValue(_Strict):
    """A policy value the scenarios used: the harness's (fixtures/policy, --policy-dir) or, where the guide
    leaves it open (verified false), the one the target's control reported in the pre-flight."""
    parameter: str
    value: str                      # JSON of the value
    effective_from: str
    verified: bool                  # the harness's flag: true = stated by the guide or an official notice
    source: str = ""
    taken_from: Literal["target", "harness"] = "harness"


class VerdictsDoc(_Strict):
    schema_: str = Field(SCHEMA, alias="schema")
    suite: dict[str, str | None]    # name, version, commit
    guide: dict[str, str]           # id, sha256 (of the guide text the clauses come from)
    policy: dict[str, object]       # as_of (date), values: list[PolicyValue]
    target: dict[str, object]       # base_url, control_url, embedded, name
    mode: Mode
    tags: str | None = None
    started_at: str                 # ISO 8601 with offset, wall clock of the machine running the harness
    finished_at: str
    duration_s: float
    exit_code: Literal[0, 1, 2]
    run_error: str | None = None    # why the run could not be completed (exit 2)
    preflight: list[dict[str, str]] = Field(default_factory=list)  # check, status (ok|warn|fail), detail
    summary: Summary
    legend: dict[str, list[str]] = Field(default_factory=lambda: {k: list(v) for k, v in LEGEND.items()})
    clauses: list[ClauseVerdict]
    scenarios: list[Scenario]

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def dump(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)

"""No double submission, and conflicts between operators (业务提交, 3.2; api.md §5).

What the centre guarantees (docs/api.md §5 "Idempotency-Key and repeated submit", architecture.md §2, §6),
and what these tests hold it to:

- 业务提交 is idempotent **per draft**: submitting a submitted business again answers the stored
  receipt (same `business_no`), with or without a key, at any time, and changes nothing.
- `Idempotency-Key` (1–200 characters) is recorded, per unit, with the *successful* submit that
  carried it; a recorded key presented for *another* business is refused with
  `422 IDEMPOTENCY_KEY_REUSED` (checked before "already submitted"). A refused submit records nothing;
  a key presented on a *repeat* of an already submitted business is not recorded either (the business
  keeps the key of its first successful submit, if any). Keys are per unit.
- Every submit is one `BEGIN IMMEDIATE` transaction on one connection guarded by a lock, and every
  account write is conditional on the account's `version` (`409 CONFLICT` otherwise): concurrent
  submits are serialised, so the rules of the second see the effects of the first. Two operators
  changing one employee at once: one wins, the other is refused with a stable code and a Chinese
  `detail`, its draft stays a draft, and nothing is half applied.
- The web portal has no draft of its own: each POST of a business form is "create draft + submit"
  (simulator/web/business.py), and a refused submit discards that draft. A double click therefore
  posts two drafts; the business rules refuse the second (the account is no longer in the state the
  business needs, the month is paid, the verification is done …), so there is one business.

Concurrency runs through real HTTP against the app served by uvicorn in a thread on a loopback
socket (gjj.simulator.server.ThreadedCentre, the specification's embedded target); TestClient would
serialise the calls.

"Consistent" (`consistency_problems`, also used by tests/test_crash_safety.py), from the schema
(simulator/store/schema.py) and architecture.md §6:
- a business is either a draft (no business_no, receipt, submitted_at, key) or submitted (all three,
  the receipt naming the row's id, type and business_no); nothing in between;
- every event with a business number belongs to a submitted business, and every submitted business
  has exactly its effects: one event of its kind for the receipt's employee at the submit's time (a
  verification: one verifications row; a back-pay: its back_pays rows);
- an account's state is the one its last state-changing event gave it; 正常 has exactly one open
  segment, at its unit, and 封存 none; segments do not overlap; the latest segment-shaping event
  (establish / unseal / seal / base adjustment) is what the segments show; `version` = 1 + the
  number of businesses that updated the account;
- the business-number counter of a day equals the number of businesses submitted that day, and
  their sequence numbers are exactly 1…n (a refused submit rolls its number back).
"""
from __future__ import annotations

import json
import re
import threading
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from itertools import pairwise

import pytest
import requests

from gjj.fixtures.generators import Generator
from gjj.simulator.server import ThreadedCentre

WEDNESDAY_10 = "2025-03-05T10:00:00+08:00"
DAY_COUNTER = "business_no:250305"
CJK = re.compile(r"[\u4e00-\u9fff]")
GEN = Generator(2718)
TIMEOUT = 20  # seconds, for every HTTP call and every wait on a thread

# --- consistency of the whole store (shared with test_crash_safety.py) ----------------------------
EVENT_OF = {"establish": "establish", "seal": "seal", "unseal": "unseal", "transfer": "transfer_in",
            "back_pay": "back_pay", "base_adjustment": "base_adjustment"}
STATE_AFTER = {"establish": "01", "unseal": "01", "seal": "02", "transfer_in": "02"}
UPDATES_ACCOUNT = {"seal", "unseal", "transfer_in", "back_pay", "base_adjustment"}
SHAPES_SEGMENTS = {"seeded", "establish", "unseal", "seal", "base_adjustment", "transfer_in"}


def month_index(m: str) -> int:
    y, mm = m.split("-")
    return int(y) * 12 + int(mm) - 1


def consistency_problems(conn) -> list[str]:
    """Everything that is not consistent in the store (see the module docstring); [] when all is."""
    bad: list[str] = []

    def q(sql: str, *params) -> list[dict]:
        cur = conn.execute(sql, params)
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur.fetchall()]

    submitted: dict[str, tuple[dict, dict]] = {}
    max_draft = 0
    for b in q("SELECT * FROM businesses"):
        max_draft = max(max_draft, int(b["id"][1:]))
        if b["status"] == "submitted":
            if not (b["business_no"] and b["receipt"] and b["submitted_at"]):
                bad.append(f"{b['id']}: submitted without business_no/receipt/submitted_at")
                continue
            r = json.loads(b["receipt"])
            if (r["business_id"], r["business_no"], r["business_type"], r["submitted_at"]) != (
                    b["id"], b["business_no"], b["type"], b["submitted_at"]):
                bad.append(f"{b['id']}: receipt does not match its row")
            submitted[b["business_no"]] = (b, r)
        elif b["status"] == "draft":
            if any(b[k] is not None for k in ("business_no", "receipt", "submitted_at", "idempotency_key")):
                bad.append(f"{b['id']}: a draft with submission data")
        else:
            bad.append(f"{b['id']}: status {b['status']!r}")

    events = q("SELECT * FROM events ORDER BY id")
    by_no: dict[str, list[dict]] = defaultdict(list)
    by_account: dict[str, list[dict]] = defaultdict(list)
    for e in events:
        by_account[e["personal_no"]].append(e)
        if e["business_no"] is None:
            if e["kind"] != "seeded":
                bad.append(f"event {e['id']} ({e['kind']}) without a business number")
            continue
        by_no[e["business_no"]].append(e)
        if e["business_no"] not in submitted:
            bad.append(f"event {e['id']} ({e['kind']}) of {e['business_no']}, which is no submitted business")
    for table in ("back_pays", "verifications"):
        for (bno,) in conn.execute(f"SELECT DISTINCT business_no FROM {table}"):
            if bno not in submitted:
                bad.append(f"{table} row of {bno}, which is no submitted business")

    for bno, (b, r) in submitted.items():
        if b["type"] == "deposit_verification":
            n = conn.execute("SELECT COUNT(*) FROM verifications WHERE business_no = ?", (bno,)).fetchone()[0]
            if n != 1 or by_no.get(bno):
                bad.append(f"{bno}: verification with {n} verifications rows")
            continue
        evs = by_no.get(bno, [])
        if len(evs) != 1:
            bad.append(f"{bno} ({b['type']}): {len(evs)} events")
            continue
        e = evs[0]
        if (e["kind"], e["personal_no"], e["at"]) != (EVENT_OF[b["type"]], r["result"]["personal_no"],
                                                      b["submitted_at"]):
            bad.append(f"{bno}: event {e['kind']} of {e['personal_no']} does not match the receipt")
        if b["type"] == "back_pay":
            n = conn.execute("SELECT COUNT(*) FROM back_pays WHERE business_no = ?", (bno,)).fetchone()[0]
            if n != len(r["result"]["lines"]):
                bad.append(f"{bno}: {n} back_pays rows for {len(r['result']['lines'])} lines")

    for a in q("SELECT * FROM accounts"):
        pn, evs = a["personal_no"], by_account.get(a["personal_no"], [])
        segs = q("SELECT * FROM segments WHERE personal_no = ? ORDER BY start_month", pn)
        opened = [s for s in segs if s["end_month"] is None]
        for s, t in pairwise(segs):
            if s["end_month"] is None or s["end_month"] >= t["start_month"]:
                bad.append(f"{pn}: overlapping segments")
        if any(s["end_month"] is not None and s["end_month"] < s["start_month"] for s in segs):
            bad.append(f"{pn}: a segment ending before it starts")
        if a["state"] == "01" and (len(opened) != 1 or opened[0]["unit_account_no"] != a["unit_account_no"]):
            bad.append(f"{pn}: 正常 with {len(opened)} open segments")
        if a["state"] == "02" and opened:
            bad.append(f"{pn}: 封存 with an open segment")
        state = None
        for e in evs:
            if e["kind"] == "seeded":
                state = json.loads(e["detail"])["state"]
            elif e["kind"] in STATE_AFTER:
                state = STATE_AFTER[e["kind"]]
        if state != a["state"]:
            bad.append(f"{pn}: state {a['state']} but its events say {state}")
        version = 1 + sum(e["kind"] in UPDATES_ACCOUNT for e in evs)
        if a["version"] != version:
            bad.append(f"{pn}: version {a['version']}, expected {version} from its events")
        shaping = [e for e in evs if e["kind"] in SHAPES_SEGMENTS]
        if not shaping:
            bad.append(f"{pn}: no seeded/establish event")
            continue
        last, d = shaping[-1], json.loads(shaping[-1]["detail"])
        here = [s for s in segs if s["unit_account_no"] == a["unit_account_no"]]
        if last["kind"] == "seal":
            if opened or not here or max(s["end_month"] for s in here) != month_index(d["last_month"]):
                bad.append(f"{pn}: sealed at {d['last_month']} but segments {here}")
        elif last["kind"] in ("establish", "unseal"):
            if not opened or (opened[0]["start_month"], Decimal(opened[0]["base"])) != (
                    month_index(d["start_month"]), Decimal(d["base"])):
                bad.append(f"{pn}: {last['kind']} from {d['start_month']} at {d['base']} but segments {segs}")
        elif last["kind"] == "base_adjustment":
            if not opened or Decimal(opened[0]["base"]) != Decimal(d["to"]) or \
                    opened[0]["start_month"] > month_index(d["effective_month"]):
                bad.append(f"{pn}: base adjusted to {d['to']} from {d['effective_month']} but segments {segs}")
        elif last["kind"] == "transfer_in" and here:
            bad.append(f"{pn}: transferred in, not yet unsealed, but has segments at its new unit")

    counters = dict(conn.execute("SELECT name, value FROM counters").fetchall())
    per_day: dict[str, list[int]] = defaultdict(list)
    for bno in submitted:
        per_day[bno[2:8]].append(int(bno[8:]))
    for day in set(per_day) | {n.split(":")[1] for n in counters if n.startswith("business_no:")}:
        seqs = sorted(per_day.get(day, []))
        if seqs != list(range(1, counters.get(f"business_no:{day}", 0) + 1)):
            bad.append(f"day {day}: counter {counters.get(f'business_no:{day}')} but business numbers {seqs}")
    if max_draft > counters.get("draft", 0):
        bad.append(f"draft counter {counters.get('draft')} behind draft D{max_draft:08d}")
    return bad


# --- the centre, served on a loopback socket -------------------------------------------------------
class Served:
    """The reference centre (test control on, :memory:) served by uvicorn in a thread."""

    def __init__(self) -> None:
        self.centre = ThreadedCentre()
        self.db = self.centre.app.state.services.centre.db
        self.base = self.centre.start()
        self.http = requests.Session()

    def stop(self) -> None:
        self.centre.stop()

    # state, read under the store's own lock (one transaction)
    def rows(self, sql: str, *params) -> list[dict]:
        with self.db.transaction() as conn:
            return [dict(r) for r in conn.execute(sql, params)]

    def problems(self) -> list[str]:
        with self.db.transaction() as conn:
            return consistency_problems(conn)

    def counter(self, name: str = DAY_COUNTER) -> int:
        got = self.rows("SELECT value FROM counters WHERE name = ?", name)
        return got[0]["value"] if got else 0

    # test control and the API
    def ok(self, r: requests.Response) -> dict | None:
        assert r.status_code < 400, r.text
        return r.json() if r.content else None

    def reset(self) -> None:
        self.ok(self.http.post(self.base + "/_sim/reset", json={"now": WEDNESDAY_10}, timeout=TIMEOUT))

    def seed(self, **unit) -> dict:
        spec = {"first_month": "2024-01", "remitted_through": "2025-02"} | unit
        return self.ok(self.http.post(self.base + "/_sim/seed", json={"seed": 0, "units": [spec]},
                                      timeout=TIMEOUT))["units"][0]

    def login(self, serial: str) -> dict:
        body = self.ok(self.http.post(self.base + "/api/v1/session", json={"serial": serial, "pin": "123456"},
                                      timeout=TIMEOUT))
        return {"Authorization": "Bearer " + body["token"]}

    def draft(self, h: dict, kind: str, **payload) -> str:
        r = self.http.post(f"{self.base}/api/v1/businesses/{kind}", json=payload, headers=h, timeout=TIMEOUT)
        assert r.status_code == 201, r.text
        return r.json()["business_id"]

    def submit(self, h: dict, business_id: str, key: str | None = None, http=None) -> requests.Response:
        headers = h | ({"Idempotency-Key": key} if key is not None else {})
        return (http or self.http).post(f"{self.base}/api/v1/businesses/{business_id}/submit",
                                        headers=headers, timeout=TIMEOUT)

    def business(self, h: dict, business_id: str) -> dict:
        return self.ok(self.http.get(f"{self.base}/api/v1/businesses/{business_id}", headers=h, timeout=TIMEOUT))

    def account(self, personal_no: str) -> dict:
        return self.ok(self.http.get(f"{self.base}/_sim/employees/{personal_no}", timeout=TIMEOUT))


@pytest.fixture(scope="module")
def served():
    s = Served()
    yield s
    s.stop()


@pytest.fixture
def centre(served) -> Served:
    served.reset()
    return served


def together(n: int, fn) -> list:
    """Run fn(i) for i in 0…n-1 in n threads released at once by a barrier; their results in order."""
    barrier = threading.Barrier(n, timeout=TIMEOUT)

    def run(i):
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        futures = [pool.submit(run, i) for i in range(n)]
        return [f.result(timeout=TIMEOUT * 2) for f in futures]


def problem(r: requests.Response) -> dict:
    assert r.headers["content-type"].startswith("application/problem+json"), r.text
    body = r.json()
    assert body["status"] == r.status_code and CJK.search(body["detail"]), body
    return body


def one_unit(centre: Served, certificates: int = 1, **unit) -> tuple[dict, dict[str, str]]:
    u = centre.seed(certificates=[{} for _ in range(certificates)], **unit)
    return u, {e["key"]: e["personal_no"] for e in u["employees"]}


# --- repeated submit, API -------------------------------------------------------------------------
def test_submitting_the_same_draft_again_returns_the_stored_receipt_and_changes_nothing(centre):
    u, emp = one_unit(centre, employees=[{"key": "张三", "base": "8000"}])
    h = centre.login(u["certificates"][0]["serial"])
    d = centre.draft(h, "seal", personal_no=emp["张三"], last_month="2025-02")
    first = centre.submit(h, d)
    assert first.status_code == 200, first.text
    before = (centre.counter(), centre.counter("draft"), centre.account(emp["张三"]))
    again = [centre.submit(h, d) for _ in range(3)]
    # after hours too: a repeat is not a new submission (no business-hours check for it)
    centre.ok(centre.http.put(centre.base + "/_sim/clock", json={"now": "2025-03-05T18:00:00+08:00"},
                              timeout=TIMEOUT))
    h = centre.login(u["certificates"][0]["serial"])  # the move outlived the session (30 min)
    again.append(centre.submit(h, d))
    assert [r.status_code for r in again] == [200] * 4
    assert all(r.json() == first.json() for r in again)
    assert (centre.counter(), centre.counter("draft"), centre.account(emp["张三"])) == before
    assert len(centre.rows("SELECT * FROM businesses WHERE status = 'submitted'")) == 1
    assert [e["kind"] for e in centre.account(emp["张三"])["events"]] == ["seeded", "seal"]
    assert centre.business(h, d)["receipt"] == first.json()
    assert centre.problems() == []


def test_idempotency_key_same_draft_same_receipt_other_draft_refused_and_nothing_changes(centre):
    u, emp = one_unit(centre, employees=[{"key": "a"}, {"key": "b"}, {"key": "c"}])
    other, other_emp = one_unit(centre, employees=[{"key": "x"}])
    h = centre.login(u["certificates"][0]["serial"])
    d1 = centre.draft(h, "seal", personal_no=emp["a"], last_month="2025-02")
    d2 = centre.draft(h, "seal", personal_no=emp["b"], last_month="2025-02")

    r1 = centre.submit(h, d1, key="seal-0001")
    assert r1.status_code == 200, r1.text
    # same key, same draft: the same receipt
    assert centre.submit(h, d1, key="seal-0001").json() == r1.json()
    # same key, another draft: refused, and the refusal changes nothing
    before = (centre.counter(), centre.account(emp["b"]), centre.business(h, d2))
    refused = centre.submit(h, d2, key="seal-0001")
    assert refused.status_code == 422 and problem(refused)["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert refused.json()["detail"] == "该幂等键已用于另一笔业务的提交，请使用新的幂等键"
    assert (centre.counter(), centre.account(emp["b"]), centre.business(h, d2)) == before
    assert before[2]["status"] == "draft"
    # the key is checked before "already submitted": a submitted business under another's key is refused too
    d3 = centre.draft(h, "seal", personal_no=emp["c"], last_month="2025-02")
    assert centre.submit(h, d3, key="seal-0003").status_code == 200
    assert problem(centre.submit(h, d1, key="seal-0003"))["code"] == "IDEMPOTENCY_KEY_REUSED"
    # a repeat of a submitted business with a fresh key answers the stored receipt and records nothing …
    assert centre.submit(h, d1, key="fresh").json() == r1.json()
    # … so that key is still free, here for d2
    r2 = centre.submit(h, d2, key="fresh")
    assert r2.status_code == 200 and r2.json()["business_no"] != r1.json()["business_no"]
    assert centre.rows("SELECT id, idempotency_key FROM businesses ORDER BY id") == [
        {"id": d1, "idempotency_key": "seal-0001"}, {"id": d2, "idempotency_key": "fresh"},
        {"id": d3, "idempotency_key": "seal-0003"}]
    # keys are per unit: another unit may use the same key
    ho = centre.login(other["certificates"][0]["serial"])
    do = centre.draft(ho, "seal", personal_no=other_emp["x"], last_month="2025-02")
    assert centre.submit(ho, do, key="seal-0001").status_code == 200
    assert centre.counter() == 4 and centre.problems() == []


def test_a_refused_submit_records_neither_its_key_nor_a_business_number(centre):
    u, emp = one_unit(centre, employees=[{"key": "a"}, {"key": "b"}])
    h = centre.login(u["certificates"][0]["serial"])
    too_early = centre.draft(h, "seal", personal_no=emp["a"], last_month="2025-03")  # 2025-03 not remitted
    r = centre.submit(h, too_early, key="k-1")
    assert r.status_code == 409 and problem(r)["code"] == "SEAL_BEFORE_LAST_MONTH_ARRIVED"
    assert centre.counter() == 0 and centre.business(h, too_early)["status"] == "draft"
    fine = centre.draft(h, "seal", personal_no=emp["b"], last_month="2025-02")
    ok = centre.submit(h, fine, key="k-1")
    assert ok.status_code == 200 and ok.json()["business_no"] == "022503050000001"
    for bad_key in ("", "k" * 201):  # 1–200 characters
        assert problem(centre.submit(h, fine, key=bad_key))["code"] == "VALIDATION_FAILED"
    assert centre.problems() == []


# --- repeated submit, web -------------------------------------------------------------------------
def web_world(centre: Served) -> tuple[dict, dict, dict]:
    """Our unit (remitted and arrived through 2025-02, due 2025-03), and a unit where 李四 is sealed."""
    other = centre.seed(employees=[{"key": "mover", "name": "李四", "state": "sealed", "last_month": "2024-12"}])
    ours, emp = one_unit(centre, employees=[
        {"key": "normal", "name": "张三", "base": "8000"},
        {"key": "sealed", "name": "赵六", "state": "sealed", "last_month": "2024-12"},
        {"key": "late", "name": "王五", "start_month": "2025-01", "joined_month": "2024-11", "base": "6000"},
        {"key": "adjust", "name": "钱七", "base": "7000"},
    ])
    return ours, emp, other["employees"][0]


def web_forms(emp: dict, mover: dict, new_id: str) -> dict[str, tuple[dict, int, str]]:
    """slug -> (form fields, status and code that refuse the second identical post)."""
    return {
        "seal": ({"personal_no": emp["normal"], "last_month": "2025-02"}, 409, "ACCOUNT_NOT_NORMAL"),
        "unseal": ({"personal_no": emp["sealed"], "start_month": "2025-03", "base": "6500"}, 409,
                   "ACCOUNT_NOT_SEALED"),
        "establish": ({"name": "孙八", "id_number": new_id, "base": "5000", "employed_from": ""}, 409,
                      "ID_ALREADY_HAS_ACCOUNT"),
        "transfer": ({"name": mover["name"], "id_number": mover["id_number"]}, 409, "TRANSFER_SAME_UNIT"),
        "back-pay": ({"personal_no": emp["late"], "cause": "late_establish", "months": "2024-11"}, 409,
                     "BACKPAY_MONTH_ALREADY_PAID"),
        "base-adjustment": ({"personal_no": emp["adjust"], "base": "9000", "effective_month": "2025-03"}, 422,
                            "BASE_UNCHANGED"),
        "deposit-verification": ({"confirmed": "yes", "note": ""}, 409, "VERIFICATION_ALREADY_SUBMITTED"),
    }


def web_session(centre: Served, serial: str) -> tuple[requests.Session, str]:
    """A browser session (the API token is the portal's session cookie) and its form CSRF token."""
    token = centre.login(serial)["Authorization"].split()[1]
    browser = requests.Session()
    browser.cookies.set("gjj_session", token, path="/")
    page = browser.get(centre.base + "/hall/business/seal", timeout=TIMEOUT)
    assert page.status_code == 200, page.text
    return browser, re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def post_form(centre: Served, browser: requests.Session, csrf: str, slug: str, fields: dict) -> tuple[int, str]:
    """POST the form as the browser does; (status, receipt path or the alert's code)."""
    r = browser.post(f"{centre.base}/hall/business/{slug}", data={"csrf": csrf, **fields},
                     allow_redirects=False, timeout=TIMEOUT)
    if r.status_code == 303:
        return 303, r.headers["location"]
    alert = re.search(r'role="alert" data-code="([A-Z_]+)">([^<]*)<', r.text)
    assert alert and CJK.search(alert.group(2)), r.text[:2000]
    return r.status_code, alert.group(1)


def test_web_form_posted_twice_gives_one_business_for_every_business_type(centre):
    ours, emp, mover = web_world(centre)
    browser, csrf = web_session(centre, ours["certificates"][0]["serial"])
    for slug, (fields, status, code) in web_forms(emp, mover, GEN.id_number()).items():
        first = post_form(centre, browser, csrf, slug, fields)
        assert first[0] == 303 and first[1].startswith("/hall/receipts/D"), (slug, first)
        assert post_form(centre, browser, csrf, slug, fields) == (status, code), slug
        # the receipt page, reloaded, shows the one business and submits nothing
        for _ in range(2):
            assert browser.get(centre.base + first[1], timeout=TIMEOUT).status_code == 200
    types = [r["type"] for r in centre.rows("SELECT type FROM businesses WHERE status = 'submitted' ORDER BY id")]
    assert types == ["seal", "unseal", "establish", "transfer", "back_pay", "base_adjustment",
                     "deposit_verification"]
    assert centre.rows("SELECT id FROM businesses WHERE status = 'draft'") == []  # refused drafts discarded
    assert centre.counter() == 7 and centre.problems() == []


def test_web_double_click_from_many_tabs_at_once_gives_one_business(centre):
    ours, emp, mover = web_world(centre)
    forms = web_forms(emp, mover, GEN.id_number())
    browser, csrf = web_session(centre, ours["certificates"][0]["serial"])
    cookies = browser.cookies.get_dict()
    for slug in ("seal", "establish", "back-pay"):
        fields, status, code = forms[slug]

        def click(_i, slug=slug, fields=fields):
            b = requests.Session()
            b.cookies.update(cookies)
            return post_form(centre, b, csrf, slug, fields)

        got = together(8, click)
        winners = [g for g in got if g[0] == 303]
        assert len(winners) == 1, (slug, got)
        assert sorted(g for g in got if g[0] != 303) == [(status, code)] * 7, slug
    assert len(centre.rows("SELECT id FROM businesses WHERE status = 'submitted'")) == 3
    assert centre.rows("SELECT id FROM businesses WHERE status = 'draft'") == []
    assert centre.counter() == 3 and centre.problems() == []


# --- concurrent submits of one draft ---------------------------------------------------------------
@pytest.mark.parametrize("key", [None, "same-key"], ids=["no-key", "same-key"])
def test_sixteen_concurrent_submits_of_one_draft_answer_one_receipt_and_apply_once(centre, key):
    u, emp = one_unit(centre, employees=[{"key": "a", "base": "8000"}, {"key": "s", "state": "sealed"}])
    h = centre.login(u["certificates"][0]["serial"])
    for kind, payload, pn in (("seal", {"personal_no": emp["a"], "last_month": "2025-02"}, emp["a"]),
                              ("unseal", {"personal_no": emp["s"], "start_month": "2025-03", "base": "6000"},
                               emp["s"]),
                              ("establish", {"name": "孙八", "id_number": GEN.id_number(), "base": "5000"}, None)):
        d = centre.draft(h, kind, **payload)
        counter, drafts = centre.counter(), centre.counter("draft")
        submitted = len(centre.rows("SELECT id FROM businesses WHERE status = 'submitted'"))
        version = centre.account(pn)["version"] if pn else None
        got = together(16, lambda _i, d=d, kind=kind: centre.submit(h, d, key=key and f"{key}-{kind}",
                                                                   http=requests.Session()))
        assert [r.status_code for r in got] == [200] * 16, [r.text for r in got if r.status_code != 200]
        receipts = {json.dumps(r.json(), sort_keys=True) for r in got}
        assert len(receipts) == 1, receipts
        receipt = got[0].json()
        assert centre.business(h, d)["receipt"] == receipt
        assert centre.rows("SELECT id FROM businesses WHERE status = 'submitted' AND id >= ?", d) == [{"id": d}]
        assert len(centre.rows("SELECT id FROM businesses WHERE status = 'submitted'")) == submitted + 1
        assert (centre.counter(), centre.counter("draft")) == (counter + 1, drafts)  # advanced once
        pn = pn or receipt["result"]["personal_no"]
        acct = centre.account(pn)
        assert [e["business_no"] for e in acct["events"]].count(receipt["business_no"]) == 1
        assert acct["version"] == (version + 1 if version else 1)
    assert centre.counter("personal_no") == 100002  # the establish made one account, not sixteen
    assert centre.problems() == []


def test_concurrent_submits_of_different_drafts_under_one_key_let_exactly_one_through(centre):
    u, emp = one_unit(centre, employees=[{"key": f"e{i}"} for i in range(16)])
    h = centre.login(u["certificates"][0]["serial"])
    drafts = [centre.draft(h, "seal", personal_no=emp[f"e{i}"], last_month="2025-02") for i in range(16)]
    got = together(16, lambda i: centre.submit(h, drafts[i], key="one-key", http=requests.Session()))
    ok = [i for i, r in enumerate(got) if r.status_code == 200]
    assert len(ok) == 1, [r.text for r in got]
    assert {problem(r)["code"] for i, r in enumerate(got) if i not in ok} == {"IDEMPOTENCY_KEY_REUSED"}
    states = {i: centre.account(emp[f"e{i}"])["state"] for i in range(16)}
    assert states == {i: "02" if i in ok else "01" for i in range(16)}
    assert [r["id"] for r in centre.rows("SELECT id FROM businesses WHERE status = 'submitted'")] == [drafts[ok[0]]]
    assert centre.counter() == 1 and centre.problems() == []


# --- two operators, one employee --------------------------------------------------------------------
# Each scenario: two businesses for the same employee, and the outcomes a serial order allows.
# "exclusive": exactly one may succeed, and the loser gets this code; otherwise both may (in an order).
SCENARIOS = {
    "seal+seal": ("normal", ("seal", {"last_month": "2025-02"}), ("seal", {"last_month": "2025-02", "reason": "离职"}),
                  {"ACCOUNT_NOT_NORMAL"}),
    "unseal+unseal": ("sealed", ("unseal", {"start_month": "2025-03", "base": "6000"}),
                      ("unseal", {"start_month": "2025-03", "base": "7000"}), {"ACCOUNT_NOT_SEALED"}),
    "back-pay+back-pay": ("late", ("back-pay", {"cause": "late_establish", "months": ["2024-11"]}),
                          ("back-pay", {"cause": "late_establish", "months": ["2024-11", "2024-12"]}),
                          {"BACKPAY_MONTH_ALREADY_PAID"}),
    # a base change and a seal: the seal after the change is allowed (it drops the planned base);
    # the change after the seal is refused
    "seal+base": ("normal", ("seal", {"last_month": "2025-02"}),
                  ("base-adjustment", {"base": "9000", "effective_month": "2025-03"}), None),
}
EMPLOYEE_OF = {"normal": {"base": "8000"}, "sealed": {"state": "sealed", "last_month": "2024-12"},
               "late": {"start_month": "2025-01", "joined_month": "2024-11", "base": "6000"}}


def test_two_operators_changing_one_employee_at_once_one_wins_the_other_is_refused_cleanly(centre):
    rounds = 32
    names = list(SCENARIOS)
    employees = [{"key": f"r{i}"} | EMPLOYEE_OF[SCENARIOS[names[i % len(names)]][0]] for i in range(rounds)]
    u, emp = one_unit(centre, certificates=2, employees=employees)
    operators = [centre.login(u["certificates"][0]["serial"]), centre.login(u["certificates"][1]["serial"])]
    outcomes: dict[str, set] = defaultdict(set)
    for i in range(rounds):
        name = names[i % len(names)]
        _, first, second, loser_codes = SCENARIOS[name]
        pn = emp[f"r{i}"]
        drafts = [centre.draft(operators[k], kind, personal_no=pn, **payload)
                  for k, (kind, payload) in enumerate((first, second))]
        before = centre.account(pn)
        got = together(2, lambda k, drafts=drafts: centre.submit(operators[k], drafts[k], http=requests.Session()))
        won = [k for k in (0, 1) if got[k].status_code == 200]
        after = centre.account(pn)
        new_events = after["events"][len(before["events"]):]
        assert [e["business_no"] for e in new_events] == \
            sorted(got[k].json()["business_no"] for k in won), (name, new_events)
        assert after["version"] == before["version"] + len(won)
        for k in {0, 1} - set(won):
            p = problem(got[k])
            assert p["status"] == 409 or p["code"] == "BASE_UNCHANGED", p
            assert centre.business(operators[k], drafts[k])["status"] == "draft"  # a refused submit leaves a draft
            outcomes[name].add(p["code"])
        if loser_codes is not None:
            assert len(won) == 1, (name, [r.text for r in got])
            assert {problem(got[1 - won[0]])["code"]} <= loser_codes
            outcomes[name].add(f"operator {won[0] + 1} won")
        else:  # seal vs base adjustment: either the seal first (change refused) or the change first, then the seal
            kinds = [e["kind"] for e in new_events]
            assert kinds in (["seal"], ["base_adjustment", "seal"]), (name, kinds, [r.text for r in got])
            if kinds == ["seal"]:
                assert problem(got[1])["code"] == "ACCOUNT_NOT_NORMAL"
            outcomes[name].add("+".join(kinds))
        assert after["state"] == {"seal": "02", "unseal": "01", "back-pay": before["state"]}[first[0]]
        problems = centre.problems()
        assert problems == [], (i, name, problems)
    assert all(outcomes[n] for n in names)
    print("\noutcomes of the races:", {n: sorted(o) for n, o in outcomes.items()})


def test_the_portal_and_the_api_sealing_one_employee_at_once_apply_one_seal(centre):
    """The API answers on the event loop, the portal's forms in worker threads (benchmarks/README.md,
    load): two paths into one store. Whichever reaches the store's lock first seals; the other is
    refused as the rules say (409 ACCOUNT_NOT_NORMAL on the API, the same code in the portal's alert),
    never a second seal and never half a change. (The API usually wins: the form parse and the
    thread hop make the portal slower to arrive.)"""
    rounds = 12
    u, emp = one_unit(centre, certificates=2, employees=[{"key": f"r{i}", "base": "8000"} for i in range(rounds)])
    browser, csrf = web_session(centre, u["certificates"][0]["serial"])
    api = centre.login(u["certificates"][1]["serial"])
    winners = Counter()
    for i in range(rounds):
        pn = emp[f"r{i}"]
        draft = centre.draft(api, "seal", personal_no=pn, last_month="2025-02")
        before = centre.account(pn)

        def race(k, pn=pn, draft=draft):
            if k == 0:
                return post_form(centre, browser, csrf, "seal", {"personal_no": pn, "last_month": "2025-02"})
            r = centre.submit(api, draft, http=requests.Session())
            return r.status_code, (r.json()["business_no"] if r.status_code == 200 else problem(r)["code"])

        web, via_api = together(2, race)
        assert sorted([web[0] == 303, via_api[0] == 200]) == [False, True], (web, via_api)
        loser = web if web[0] != 303 else via_api
        assert loser == (409, "ACCOUNT_NOT_NORMAL"), loser
        winners["portal" if web[0] == 303 else "api"] += 1
        after = centre.account(pn)
        assert after["state"] == "02" and after["version"] == before["version"] + 1
        assert [e["kind"] for e in after["events"][len(before["events"]):]] == ["seal"]
    assert len(centre.rows("SELECT id FROM businesses WHERE status = 'submitted'")) == rounds
    assert centre.problems() == []
    print("\nwho sealed first:", dict(winners))


def test_a_write_against_an_account_changed_meanwhile_is_refused_with_conflict_and_rolls_back(centre):
    """The last line of defence (architecture.md §6): every account write names the version the rules
    read; if another command changed the account in between, the command answers 409 CONFLICT and
    rolls back. With one locked connection this cannot happen through the API (the rules read inside
    the writing transaction), so it is shown on the store directly."""
    from gjj.simulator.domain.messages import DomainError
    from gjj.simulator.store import repo
    _, emp = one_unit(centre, employees=[{"key": "a"}])
    pn = emp["a"]
    stale = centre.account(pn)["version"]
    with pytest.raises(DomainError) as refused, centre.db.transaction() as conn:
        repo.append_segment(conn, pn, repo.get_account(conn, pn).segments[0])  # a first write …
        conn.execute("UPDATE accounts SET version = version + 1 WHERE personal_no = ?", (pn,))  # … someone else
        repo.update_account(conn, pn, stale, state="02")
    assert refused.value.code == "CONFLICT" and refused.value.msg.status == 409
    assert refused.value.detail == f"职工账户{pn}刚被其他操作修改，请刷新后重试"
    acct = centre.account(pn)
    assert (acct["state"], acct["version"], len(acct["segments"])) == ("01", stale, 1)  # nothing applied
    assert centre.problems() == []


def test_deleting_a_draft_while_it_is_submitted_either_deletes_it_or_submits_it_never_both(centre):
    rounds = 20
    u, emp = one_unit(centre, certificates=2, employees=[{"key": f"e{i}"} for i in range(rounds)])
    operators = [centre.login(u["certificates"][0]["serial"]), centre.login(u["certificates"][1]["serial"])]
    seen = set()
    for i in range(rounds):
        d = centre.draft(operators[0], "seal", personal_no=emp[f"e{i}"], last_month="2025-02")

        def act(k, d=d):
            if k == 0:
                return centre.submit(operators[0], d, http=requests.Session())
            return requests.delete(f"{centre.base}/api/v1/businesses/{d}", headers=operators[1], timeout=TIMEOUT)

        submit, delete = together(2, act)
        outcome = (submit.status_code, delete.status_code)
        assert outcome in ((200, 409), (404, 204)), (outcome, submit.text, delete.text)
        state = centre.account(emp[f"e{i}"])["state"]
        if outcome == (200, 409):
            assert problem(delete)["code"] == "BUSINESS_NOT_DRAFT" and state == "02"
            assert centre.business(operators[0], d)["receipt"] == submit.json()
        else:
            assert problem(submit)["code"] == "BUSINESS_NOT_FOUND" and state == "01"
            assert centre.rows("SELECT id FROM businesses WHERE id = ?", d) == []
        seen.add(outcome)
    assert centre.problems() == []
    print("\noutcomes of submit vs delete:", sorted(seen))


def test_the_same_web_form_posted_twice_shows_the_same_receipt_and_makes_one_business():
    """A double click or a reload of 业务提交 in the hall: the form's own token makes the second post
    the same submission (a redirect to the first receipt), not a refusal of a second business."""
    import re as _re

    from fastapi.testclient import TestClient

    from gjj.simulator.app import create_app
    c = TestClient(create_app(":memory:", test_control=True))
    c.post("/_sim/reset", json={"now": "2025-03-05T10:00:00+08:00"}).raise_for_status()
    unit = c.post("/_sim/seed", json={"units": [{"first_month": "2024-01", "remitted_through": "2025-02",
                                                  "employees": [{"key": "z"}]}]}).json()["units"][0]
    cert, pno = unit["certificates"][0], unit["employees"][0]["personal_no"]
    page = c.get("/hall/login").text
    csrf = _re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    c.post("/hall/login", data={"csrf": csrf, "serial": cert["serial"], "pin": cert["pin"]})
    form = c.get("/hall/business/seal").text
    csrf = _re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    token = _re.search(r'name="submission" value="([^"]+)"', form).group(1)
    data = {"csrf": csrf, "submission": token, "personal_no": pno, "last_month": "2025-02"}
    first = c.post("/hall/business/seal", data=data, follow_redirects=False)
    second = c.post("/hall/business/seal", data=data, follow_redirects=False)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert "/hall/receipts/" in first.headers["location"]
    another = _re.search(r'name="submission" value="([^"]+)"', c.get("/hall/business/seal").text).group(1)
    assert another != token  # a new form is a new submission: refused by the rule (already sealed)
    third = c.post("/hall/business/seal", data=data | {"submission": another}, follow_redirects=False)
    assert third.status_code == 409 and "ACCOUNT_NOT_NORMAL" in third.text

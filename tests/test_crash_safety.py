"""Crash safety: a centre killed with SIGKILL in the middle of a stream of 业务提交 keeps every
submission it answered with a receipt, complete, and nothing half done (architecture.md §6:
one `BEGIN IMMEDIATE` transaction per command, WAL, the receipt is sent after COMMIT).

`gjj serve --test-control --db FILE --port 0` runs as a subprocess. Four client threads, one
certificate each, loop: create a draft (seal / unseal of their own employees, establish of a new
person) and submit it with an Idempotency-Key, recording every answer. When the test has counted N
receipts in the round it kills the server (SIGKILL) while the other threads are mid-request, restarts
it on the same file, and checks:

- `PRAGMA integrity_check` is ok, no foreign key is broken;
- every business that got a receipt is submitted, under that business number, with exactly that
  receipt and key, and its effect is there (the event of the receipt's kind for the receipt's
  employee and month; account state as the thread's model built from its receipts says);
- nothing is half there: the store is consistent (tests/test_submission_safety.py
  `consistency_problems`: no business submitted without its effects, no effect without a submitted
  business, no draft in between, counters = businesses), and the only submitted businesses the
  clients never heard of are the ones whose submit was in flight at the kill;
- a submit that was in flight (no answer) is resolved by submitting the same draft again with the
  same key: the stored receipt if it had committed, else it is applied now, once.

Three rounds, killing after a different number of receipts each time, on the same database.
No sleeps: the kill is triggered by a counter and an event; every wait has a deadline.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

import requests
from test_submission_safety import consistency_problems

from gjj.fixtures.generators import Generator
from tests.served import ServedProcess, gjj_command

WEDNESDAY_10 = "2025-03-05T10:00:00+08:00"
THREADS = 4
KILL_AFTER = (6, 19, 37)  # receipts of the round after which the server is killed
TIMEOUT = 20               # seconds: every HTTP call, every wait on a process or a thread
GEN = Generator(8128)


def start_centre(db: Path) -> ServedProcess:
    """`gjj serve --test-control --db FILE --port 0`; killed with SIGKILL by the tests."""
    return ServedProcess(gjj_command() + ["serve", "--test-control", "--db", str(db), "--port", "0"])


@dataclass
class Op:
    kind: str
    payload: dict
    key: str
    personal_no: str | None = None       # the employee it changes (None: an establish)
    draft_id: str | None = None
    receipt: dict | None = None
    state: str = "planned"  # draft-unanswered | submit-unanswered | receipt | refused: …
    resolved_committed: bool | None = None  # for a submit in flight at the kill: had it committed?


@dataclass
class Client:
    """One operator (own certificate, own employees) and what it was told."""
    n: int
    serial: str
    model: dict[str, str]                  # personal_no -> state its receipts imply ("01" / "02")
    people: list[tuple[str, str]]          # (name, id_number) to establish
    ops: list[Op] = field(default_factory=list)
    established: dict[str, str] = field(default_factory=dict)  # personal_no -> start month

    def next_op(self) -> Op:
        i = len(self.ops)
        key = f"c{self.n}-op{i}"
        if i % 3 == 2 and self.people:
            name, id_number = self.people.pop()
            return Op("establish", {"name": name, "id_number": id_number, "base": str(4000 + 10 * i)}, key)
        pns = sorted(self.model)
        pn = pns[i % len(pns)]
        if self.model[pn] == "01":
            return Op("seal", {"personal_no": pn, "last_month": "2025-02"}, key, pn)
        return Op("unseal", {"personal_no": pn, "start_month": "2025-03", "base": str(5000 + 10 * i)}, key, pn)

    def learn(self, op: Op, receipt: dict) -> None:
        op.receipt, op.state = receipt, "receipt"
        if op.kind == "establish":
            self.established[receipt["result"]["personal_no"]] = receipt["result"]["start_month"]
        else:
            self.model[op.personal_no] = "02" if op.kind == "seal" else "01"

    def drive(self, base: str, headers: dict, on_receipt) -> None:
        """Draft and submit until the server goes away; the first unanswered call ends the loop."""
        http = requests.Session()
        while True:
            op = self.next_op()
            self.ops.append(op)
            try:
                r = http.post(f"{base}/api/v1/businesses/{op.kind}", json=op.payload, headers=headers,
                              timeout=TIMEOUT)
            except requests.RequestException:
                op.state = "draft-unanswered"
                return
            if r.status_code != 201:
                op.state = f"refused: draft {r.status_code} {r.text}"
                return
            op.draft_id = r.json()["business_id"]
            try:
                r = http.post(f"{base}/api/v1/businesses/{op.draft_id}/submit",
                              headers=headers | {"Idempotency-Key": op.key}, timeout=TIMEOUT)
            except requests.RequestException:
                op.state = "submit-unanswered"
                return
            if r.status_code != 200:
                op.state = f"refused: submit {r.status_code} {r.text}"
                return
            self.learn(op, r.json())
            on_receipt()


def login(base: str, serial: str) -> dict:
    r = requests.post(base + "/api/v1/session", json={"serial": serial, "pin": "123456"}, timeout=TIMEOUT)
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


def stream_and_kill(server: ServedProcess, clients: list[Client], kill_after: int) -> int:
    """Run every client until `kill_after` receipts have come back, then SIGKILL the server mid-stream."""
    headers = [login(server.url, c.serial) for c in clients]
    count, lock, enough = [0], threading.Lock(), threading.Event()

    def on_receipt():
        with lock:
            count[0] += 1
            if count[0] >= kill_after:
                enough.set()

    threads = [threading.Thread(target=c.drive, args=(server.url, h, on_receipt), daemon=True)
               for c, h in zip(clients, headers)]
    for t in threads:
        t.start()
    reached = enough.wait(timeout=TIMEOUT)
    server.kill()
    for t in threads:
        t.join(timeout=TIMEOUT)
        assert not t.is_alive(), "a client did not notice the server was gone"
    assert reached, f"only {count[0]} receipts before the deadline"
    refused = [op.state for c in clients for op in c.ops if op.state.startswith("refused")]
    assert refused == [], refused  # every business of the stream is valid: only the kill may stop it
    return count[0]


def store(db: Path) -> sqlite3.Connection:
    """A second connection on the file while the restarted centre runs (WAL: readers do not block)."""
    return sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=TIMEOUT)


def check_after_restart(db: Path, base: str, clients: list[Client]) -> dict:
    """Everything the module docstring promises; resolves the submits that were in flight."""
    with store(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert consistency_problems(conn) == []
        rows = {r[0]: r for r in conn.execute(
            "SELECT id, status, business_no, receipt, idempotency_key FROM businesses")}
    receipts = {op.draft_id: op for c in clients for op in c.ops if op.state == "receipt"}
    in_flight = {op.draft_id: op for c in clients for op in c.ops if op.state == "submit-unanswered"}
    for bid, op in receipts.items():  # every answered submission is there, exactly as answered
        status, bno, receipt, key = rows[bid][1:]
        assert (status, bno, key) == ("submitted", op.receipt["business_no"], op.key), bid
        assert json.loads(receipt) == op.receipt, bid
    submitted = {bid for bid, r in rows.items() if r[1] == "submitted"}
    assert submitted - set(receipts) <= set(in_flight), "submitted businesses no client ever submitted"
    known = set(receipts) | set(in_flight) | {op.draft_id for c in clients for op in c.ops if op.draft_id}
    assert all(rows[bid][1] == "draft" for bid in set(rows) - known)  # drafts whose creation was cut off

    # resolve the submits in flight: the same draft, the same key, once more
    committed = 0
    for c in clients:
        h = login(base, c.serial)
        for op in c.ops:
            if op.state != "submit-unanswered":
                continue
            op.resolved_committed = rows[op.draft_id][1] == "submitted"
            committed += op.resolved_committed
            r = requests.post(f"{base}/api/v1/businesses/{op.draft_id}/submit",
                              headers=h | {"Idempotency-Key": op.key}, timeout=TIMEOUT)
            assert r.status_code == 200, r.text
            if op.resolved_committed:
                assert r.json() == json.loads(rows[op.draft_id][3])  # the receipt the client never got
            c.learn(op, r.json())

    with store(db) as conn:
        assert consistency_problems(conn) == []
        states = dict(conn.execute("SELECT personal_no, state FROM accounts").fetchall())
        events = {r[0]: r[1:] for r in conn.execute(
            "SELECT business_no, kind, personal_no, detail FROM events WHERE business_no IS NOT NULL")}
        submitted = {r[0] for r in conn.execute("SELECT id FROM businesses WHERE status = 'submitted'")}
    answered = [op for c in clients for op in c.ops if op.state == "receipt"]
    assert submitted == {op.draft_id for op in answered}
    for op in answered:  # the receipt's effect
        kind, pn, detail = events[op.receipt["business_no"]]
        assert (kind, pn) == (op.kind, op.receipt["result"]["personal_no"])
        month = {"seal": "last_month"}.get(op.kind, "start_month")
        assert json.loads(detail)[month] == op.receipt["result"][month]
    for c in clients:  # account states as the receipts say
        assert {pn: states[pn] for pn in c.model} == c.model
        assert all(states[pn] == "01" for pn in c.established)
    return {"in_flight": len(in_flight), "committed_unanswered": committed}


def test_sigkill_mid_stream_loses_no_answered_submission_and_leaves_nothing_half_done(tmp_path):
    db = tmp_path / "centre.db"
    server = start_centre(db)
    try:
        r = requests.post(server.url + "/_sim/reset", json={"now": WEDNESDAY_10}, timeout=TIMEOUT)
        assert r.status_code == 204 or r.status_code == 200, r.text
        employees = [{"key": f"c{n}-{k}"} | ({"state": "sealed"} if k == 2 else {})
                     for n in range(THREADS) for k in range(3)]
        r = requests.post(server.url + "/_sim/seed", timeout=TIMEOUT, json={"seed": 5, "units": [{
            "first_month": "2024-01", "remitted_through": "2025-02", "certificates": [{}] * THREADS,
            "employees": employees}]})
        assert r.status_code == 200, r.text
        unit = r.json()["units"][0]
        people, ids = [], set()
        while len(people) < 60 * THREADS:
            pid = GEN.id_number()
            if pid not in ids:
                ids.add(pid)
                people.append((GEN.person_name(), pid))
        clients = [Client(n, unit["certificates"][n]["serial"],
                          {e["personal_no"]: ("02" if e["key"].endswith("-2") else "01")
                           for e in unit["employees"] if e["key"].startswith(f"c{n}-")},
                          people[n::THREADS])
                   for n in range(THREADS)]
        report = []
        for kill_after in KILL_AFTER:
            got = stream_and_kill(server, clients, kill_after)
            server = start_centre(db)  # restart on the same file
            report.append((got, check_after_restart(db, server.url, clients)))
        total = sum(1 for c in clients for op in c.ops if op.state == "receipt")
        assert total >= sum(KILL_AFTER)
        print(f"\nrounds (receipts before the kill, in flight): {report}; {total} businesses")
    finally:
        server.stop()

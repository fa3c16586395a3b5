"""Every path that reads the real clock, with the clock frozen (freezegun): the centre's SystemClock
(Asia/Shanghai), the TLS certificates' validity, the docs' as-of day and review flags, and the
timestamps of a certification report.

The moment of choice is the last second of 2026 in Shanghai, 2026-12-31T23:59:59+08:00, and the one
after it: 2027-01-01T00:00:00+08:00 is still 2026-12-31 (16:00) in UTC, so a date taken in UTC or in
the machine's zone instead of Shanghai's shows here as the wrong day.
"""
from __future__ import annotations

import json
import re
import shutil
import socket
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import trustme
from cryptography import x509
import freezegun
from freezegun import freeze_time

# pytest's own timing (durations, timeouts) keeps real time while a test's clock is frozen
freezegun.configure(extend_ignore_list=["_pytest.runner", "_pytest.timing"])

from gjj.cli import main as gjj
from gjj.simulator import tls
from gjj.simulator.clock import SHANGHAI, SystemClock

LAST_SECOND = "2026-12-31T23:59:59+08:00"
NEW_YEAR = "2027-01-01T00:00:00+08:00"  # = 2026-12-31T16:00:00Z
ROOT = Path(__file__).resolve().parents[1]


# --- the centre's real-time clock ---------------------------------------------------------------------------
def test_the_system_clock_tells_shanghai_time_and_its_date_flips_at_shanghai_midnight():
    with freeze_time(LAST_SECOND) as frozen:
        clock = SystemClock()
        assert clock.now() == datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)
        assert clock.now().utcoffset() == timedelta(hours=8)
        assert clock.today() == date(2026, 12, 31)
        frozen.tick(1)
        assert clock.now().isoformat() == NEW_YEAR
        assert clock.today() == date(2027, 1, 1)
        assert datetime.now(UTC).date() == date(2026, 12, 31)  # UTC is still in the old year


def test_the_system_clock_keeps_whole_seconds():
    with freeze_time("2026-12-31T23:59:59.999999+08:00"):
        assert SystemClock().now() == datetime(2026, 12, 31, 23, 59, 59, tzinfo=SHANGHAI)


def test_a_centre_on_the_real_clock_runs_its_nightly_update_at_shanghai_midnight(tmp_path):
    """Without test control the centre runs on SystemClock: the first read after midnight in Shanghai
    publishes the day's changes (clauses 3.5, 3.6)."""
    from gjj.simulator.app import create_app

    with freeze_time(LAST_SECOND) as frozen:
        centre = create_app(tmp_path / "centre.db").state.services.centre
        with centre.query() as ctx:
            assert ctx.now.isoformat() == LAST_SECOND and ctx.today == date(2026, 12, 31)
            assert _meta(ctx.conn, "published_day") == "2026-12-31"
            assert _meta(ctx.conn, "last_nightly_at") is None
        frozen.tick(1)
        with centre.query() as ctx:
            assert ctx.today == date(2027, 1, 1)
            assert _meta(ctx.conn, "published_day") == "2027-01-01"
            assert _meta(ctx.conn, "last_nightly_at") == NEW_YEAR


def _meta(conn, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


# --- TLS: the certificates are for the clients' real clock ------------------------------------------------
def _certificate(path: Path) -> x509.Certificate:
    return x509.load_pem_x509_certificate(path.read_bytes())  # the first PEM: the server's own


def _existing_ca(directory: Path) -> datetime:
    """A CA a vendor trusts already, as `gjj serve --https` left it; returns when it expires. Made before
    the clock is frozen: cryptography refuses the datetimes trustme made at import under freezegun's
    stand-in class (a CA's validity is fixed, never relative to now)."""
    directory.mkdir()
    ca = trustme.CA()
    (directory / tls.CA_CERT).write_bytes(ca.cert_pem.bytes())
    (directory / tls.CA_KEY).write_bytes(ca.private_key_pem.bytes())
    return _certificate(directory / tls.CA_CERT).not_valid_after_utc


def test_the_server_certificate_is_valid_from_an_hour_ago_for_397_days(tmp_path):
    _existing_ca(tmp_path / "tls")
    with freeze_time(LAST_SECOND):
        files = tls.prepare(tmp_path / "tls")
    cert = _certificate(files.server_cert)
    assert cert.not_valid_before_utc == datetime(2026, 12, 31, 14, 59, 59, tzinfo=UTC)
    assert cert.not_valid_after_utc == datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC) + timedelta(days=397)
    assert not files.ca_expiring


def test_an_expired_ca_is_refused_with_what_to_do(tmp_path):
    ends = _existing_ca(tmp_path / "tls")
    with freeze_time(ends + timedelta(seconds=1)), pytest.raises(tls.TlsError) as refused:
        tls.prepare(tmp_path / "tls")
    assert f"expired on {ends:%Y-%m-%d}" in str(refused.value) and "过期" in str(refused.value)
    assert "remove ca.pem and ca.key" in str(refused.value)
    assert not (tmp_path / "tls" / tls.SERVER_CERT).exists()


def test_a_ca_about_to_expire_is_used_but_no_server_certificate_outlives_it(tmp_path):
    ends = _existing_ca(tmp_path / "tls")
    with freeze_time(ends - timedelta(days=10)):
        files = tls.prepare(tmp_path / "tls")
    assert files.ca_reused and files.ca_expiring and files.ca_not_after == ends
    cert = _certificate(files.server_cert)
    assert cert.not_valid_after_utc == ends  # not 397 days on: a client would refuse it after the CA's end
    assert cert.not_valid_before_utc == ends - timedelta(days=10, hours=1)
    with freeze_time(ends - timedelta(days=tls.CA_WARN_DAYS + 1)):
        assert not tls.prepare(tmp_path / "tls").ca_expiring


def test_gjj_serve_says_when_its_ca_is_about_to_expire(tmp_path, monkeypatch, capsys):
    import gjj.simulator.cli as simulator_cli

    ends = _existing_ca(tmp_path / "tls")
    monkeypatch.setattr(simulator_cli, "serve", lambda *a, **k: None)  # print the banner, serve nothing
    with freeze_time(ends - timedelta(days=3)):
        assert gjj(["serve", "--https", "--tls-dir", str(tmp_path / "tls"), "--port", "0", "--db", ":memory:"]) == 0
    out = capsys.readouterr().out
    assert f"local CA expires on {ends:%Y-%m-%d %H:%M} UTC" in out and "将于" in out
    with freeze_time(ends - timedelta(days=300)):
        assert gjj(["serve", "--https", "--tls-dir", str(tmp_path / "tls"), "--port", "0", "--db", ":memory:"]) == 0
    assert "expires on" not in capsys.readouterr().out


# --- the docs: today's policy, and which confirmations are due ----------------------------------------------
@pytest.fixture
def policy_due_at_new_year(tmp_path) -> Path:
    """The project's policy data, with the business hours last confirmed on 2025-12-31 (review every 12
    months: due on 2026-12-31, overdue from 2027-01-01)."""
    policy = tmp_path / "policy"
    shutil.copytree(ROOT / "fixtures" / "policy", policy)
    hours = policy / "business_hours.toml"
    text, n = re.subn(r"(?m)^last_confirmed = \d{4}-\d{2}-\d{2}$", "last_confirmed = 2025-12-31",
                      hours.read_text(encoding="utf-8"))
    assert n == 1 and "review_every_months = 12" in text
    hours.write_text(text, encoding="utf-8")
    return policy


def _docs(out: Path, policy: Path) -> tuple[str, str]:
    assert gjj(["docs", "--out", str(out), "--policy-dir", str(policy)]) == 0
    return (out / "index.html").read_text(encoding="utf-8"), (out / "policy.html").read_text(encoding="utf-8")


def test_gjj_docs_is_as_of_today_in_shanghai_and_flags_a_review_from_the_day_after_it_is_due(
        tmp_path, policy_due_at_new_year):
    with freeze_time(LAST_SECOND) as frozen:
        index, policy = _docs(tmp_path / "before", policy_due_at_new_year)
        frozen.tick(1)
        index_after, policy_after = _docs(tmp_path / "after", policy_due_at_new_year)
    assert "政策日期 2026-12-31" in index and "下次复核 2026-12-31 前" in policy
    assert "复核期限 2026-12-31 已过" not in policy
    assert "政策日期 2027-01-01" in index_after and "复核期限 2026-12-31 已过" in policy_after
    assert _stale_count(index_after) == _stale_count(index) + 1


def _stale_count(index: str) -> int:
    return int(re.search(r"需要复核 (\d+) 个", index).group(1))


def test_build_site_defaults_to_today_in_shanghai(tmp_path):
    from gjj.reports.docs.build import build_site

    with freeze_time(NEW_YEAR):
        index = build_site(tmp_path / "site").read_text(encoding="utf-8")
    assert "政策日期 2027-01-01" in index and "2026-12-31" not in index


# --- the report's timestamps -------------------------------------------------------------------------------
def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again on return: nothing listens there


def test_a_certification_report_is_stamped_with_shanghai_time_at_its_start_and_its_end(tmp_path, monkeypatch):
    """A target that does not answer: the run ends at the pre-flight, and its report is still written and
    stamped. The frozen clock jumps over midnight while the pre-flight runs."""
    from gjj.reports import preflight

    real = preflight.run
    with freeze_time(LAST_SECOND) as frozen:
        def preflight_across_midnight(*args, **kwargs):
            result = real(*args, **kwargs)
            frozen.move_to("2027-01-01T00:00:30+08:00")
            return result

        monkeypatch.setattr(preflight, "run", preflight_across_midnight)
        code = gjj(["certify", "--target", f"http://127.0.0.1:{_closed_port()}", "--mode", "api",
                    "--out", str(tmp_path / "run")])
    assert code == 2
    doc = json.loads((tmp_path / "run" / "verdicts.json").read_text(encoding="utf-8"))
    assert doc["started_at"] == LAST_SECOND
    assert doc["finished_at"] == "2027-01-01T00:00:30+08:00"
    assert doc["duration_s"] == 31.0
    junit = (tmp_path / "run" / "junit.xml").read_text(encoding="utf-8")
    assert f'timestamp="{LAST_SECOND}"' in junit
    html = (tmp_path / "run" / "index.html").read_text(encoding="utf-8")
    assert "2026-12-31 23:59:59" in html and "2027-01-01 00:00:30" in html

"""HTTPS: `gjj serve --https` with a local CA (simulator/tls.py), and the harness's --ca-bundle /
--insecure against it. Loopback only; every subprocess is bounded in time."""
from __future__ import annotations

import os
import re
import ssl
import stat
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import requests
import urllib3
from cryptography import x509

from gjj import spec_run
from gjj.simulator import tls
from tests.served import ServedProcess, gjj_command

ROOT = Path(__file__).resolve().parents[1]
SLICE = ["-k", "HRS-01 or SEAL-01"]
# the harness's own settings must come from the command line in these tests, not the caller's shell
CLEAN_ENV = spec_run.environment()
# each test names its driver: the API driver by default, `--driver web` for the browser's trust
CLEAN_ENV["GJJ_DRIVER"] = "api"
WEB_SLICE = ["-k", "TRAIN-01 or SEAL-01", "--driver", "web"]  # a page without login, and a business


class Served(ServedProcess):
    """`gjj serve --https …` in a subprocess: its https URL and CA bundle, read from what it prints."""

    def __init__(self, *args: str) -> None:
        super().__init__(gjj_command() + ["serve", "--https", "--port", "0", *args], env=CLEAN_ENV,
                         url_pattern=r"https://127\.0\.0\.1:\d+", ready_path=None)
        self.ca = Path(self.wait_for(r"CA bundle\): (\S+)", group=1))
        self.wait_for(r"pytest steps --target")  # the last line about TLS
        self.wait_ready("/openapi.json", verify=str(self.ca))


@pytest.fixture(scope="module")
def centre():
    served = Served("--test-control", "--db", ":memory:")
    yield served
    served.stop()


def _harness(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """The specification, in a pytest of its own, run as a vendor would run it."""
    return subprocess.run(spec_run.command("-q", *args),
                          cwd=ROOT, env=CLEAN_ENV, check=False, capture_output=True, text=True, timeout=timeout)


# --- the server ------------------------------------------------------------------------------

def test_the_printed_ca_bundle_verifies_the_server(centre):
    r = requests.get(centre.url + "/openapi.json", verify=str(centre.ca), timeout=10)
    assert r.status_code == 200 and "/api/v1/session" in r.json()["paths"]
    assert requests.get(centre.url + "/_sim/clock", verify=str(centre.ca), timeout=10).status_code == 200


def test_without_the_ca_the_certificate_is_refused(centre):
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(centre.url + "/openapi.json", timeout=10)
    with pytest.raises(requests.exceptions.SSLError):
        requests.get(centre.url + "/openapi.json", verify=True, timeout=10)


def test_without_verification_the_server_answers(centre):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", urllib3.exceptions.InsecureRequestWarning)
        r = requests.get(centre.url + "/openapi.json", verify=False, timeout=10)
    assert r.status_code == 200


def test_plain_http_is_not_served_on_an_https_port(centre):
    with pytest.raises(requests.exceptions.ConnectionError):
        requests.get(centre.url.replace("https://", "http://") + "/openapi.json", timeout=10)


def test_the_output_tells_both_ways_to_use_the_ca(centre):
    text = "".join(centre.output)
    assert f"--ca-bundle {centre.ca}" in text and "--insecure" in text


# --- the harness against it -------------------------------------------------------------------

@pytest.mark.slow
def test_the_specification_passes_over_https_with_the_ca_bundle(centre):
    r = _harness(*SLICE, "--target", centre.url, "--ca-bundle", str(centre.ca))
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]
    assert re.search(r"\b\d+ passed", r.stdout) and "failed" not in r.stdout.splitlines()[-1]


@pytest.mark.slow
def test_the_specification_fails_on_the_certificate_without_either_option(centre):
    r = _harness(*SLICE, "--target", centre.url, "--tb=line", timeout=120)
    assert r.returncode == 1, r.stdout[-5000:] + r.stderr[-2000:]
    assert "CERTIFICATE_VERIFY_FAILED" in r.stdout
    assert re.search(r"\b\d+ failed", r.stdout.splitlines()[-1]) and " passed" not in r.stdout.splitlines()[-1]


@pytest.mark.slow
def test_insecure_passes_with_one_warning_and_no_per_request_warnings(centre):
    r = _harness(*SLICE, "--target", centre.url, "--insecure")
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]
    out = r.stdout + r.stderr
    assert out.count("--insecure") == 1 and "NOT verified" in out
    assert "InsecureRequestWarning" not in out


@pytest.mark.slow
def test_insecure_from_the_environment(centre):
    r = subprocess.run([*spec_run.command("-q"), *SLICE,
                        "--target", centre.url], cwd=ROOT, env={**CLEAN_ENV, "GJJ_INSECURE": "1"},
                       check=False, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]
    assert "NOT verified" in r.stdout + r.stderr


@pytest.mark.slow
def test_the_browser_trusts_the_ca_bundle(centre, tmp_path):
    r = _harness(*WEB_SLICE, "--target", centre.url, "--ca-bundle", str(centre.ca),
                 "--evidence-dir", str(tmp_path))
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]
    assert re.search(r"\b\d+ passed", r.stdout) and "failed" not in r.stdout.splitlines()[-1], r.stdout[-2000:]


@pytest.mark.slow
def test_the_browser_refuses_the_certificate_without_either_option(centre, tmp_path):
    r = _harness(*WEB_SLICE, "--target", centre.url, "--tb=line", "--evidence-dir", str(tmp_path), timeout=180)
    assert r.returncode == 1, r.stdout[-5000:] + r.stderr[-2000:]
    assert "ERR_CERT_AUTHORITY_INVALID" in r.stdout
    assert " passed" not in r.stdout.splitlines()[-1]


@pytest.mark.slow
def test_the_browser_ignores_certificate_errors_with_insecure(centre, tmp_path):
    r = _harness(*WEB_SLICE, "--target", centre.url, "--insecure", "--evidence-dir", str(tmp_path))
    assert r.returncode == 0, r.stdout[-5000:] + r.stderr[-2000:]


def test_browser_trust_pins_the_verified_server_key_and_the_cas(centre):
    from gjj.steps.drivers.browser import trust
    args = trust.chromium_args(centre.url, centre.ca)
    assert len(args) == 1 and args[0].startswith("--ignore-certificate-errors-spki-list=")
    pins = args[0].split("=", 1)[1].split(",")
    ca = x509.load_pem_x509_certificate(centre.ca.read_bytes())
    leaf = trust.verified_server_certificate(centre.url, centre.ca)
    assert pins == [trust.spki_hash(leaf), trust.spki_hash(ca)]
    assert trust.chromium_args(centre.url.replace("https://", "http://"), centre.ca) == []  # plain HTTP
    assert trust.chromium_args(centre.url, None) == []                                      # system trust


def test_browser_trust_refuses_a_bundle_that_does_not_verify_the_target(centre, tmp_path):
    from gjj.steps.drivers.browser import trust
    other = tls.prepare(tmp_path / "other")  # a different CA: the browser must not be told to trust the target
    with pytest.raises(trust.TrustError, match="does not verify"):
        trust.chromium_args(centre.url, other.ca_cert)


def test_a_missing_ca_bundle_is_a_usage_error_before_any_scenario(tmp_path):
    r = _harness("--target", "https://127.0.0.1:9", "--ca-bundle", str(tmp_path / "nope.pem"), timeout=120)
    assert r.returncode == pytest.ExitCode.USAGE_ERROR, r.stdout + r.stderr
    assert f"--ca-bundle {tmp_path / 'nope.pem'}: no such file" in r.stderr
    assert "passed" not in r.stdout and "failed" not in r.stdout


def test_ca_bundle_and_insecure_together_are_a_usage_error(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("x")
    r = _harness("--target", "https://127.0.0.1:9", "--ca-bundle", str(ca), "--insecure", timeout=120)
    assert r.returncode == pytest.ExitCode.USAGE_ERROR and "exclude each other" in r.stderr


# --- the CLI's TLS directory ------------------------------------------------------------------

def test_serve_keeps_its_ca_next_to_the_database_across_restarts(tmp_path):
    db = tmp_path / "centre.db"
    first = Served("--db", str(db))
    try:
        assert first.ca == tmp_path / ".gjj-tls" / "ca.pem"
        assert any("new local CA" in line for line in first.output)
        ca_pem = first.ca.read_bytes()
    finally:
        first.stop()
    second = Served("--db", str(db))
    try:
        assert second.ca.read_bytes() == ca_pem  # a vendor's trust store survives the restart
        assert any("reused local CA" in line for line in second.output)
        # the new server certificate is issued by the same CA: a copy of the old bundle verifies it
        kept = tmp_path / "vendor-trust-store.pem"
        kept.write_bytes(ca_pem)
        assert requests.get(second.url + "/openapi.json", verify=str(kept), timeout=10).ok
    finally:
        second.stop()
    assert (tmp_path / ".gjj-tls" / "ca.pem").exists()  # a chosen directory is kept


def test_a_temporary_tls_directory_is_removed_on_exit():
    served = Served("--db", ":memory:")
    directory = served.ca.parent
    assert directory.exists()
    served.stop()
    assert not directory.exists()


def test_tls_dir_without_https_is_refused():
    r = subprocess.run(gjj_command() + ["serve", "--port", "0", "--db", ":memory:", "--tls-dir", "x"],
                       check=False, capture_output=True, text=True, timeout=60, env=CLEAN_ENV)
    assert r.returncode == 2 and "--tls-dir" in r.stderr


# --- simulator/tls.py -------------------------------------------------------------------------

def _mode(p: Path) -> int:
    return stat.S_IMODE(p.stat().st_mode)


def test_prepare_writes_the_files_with_private_keys_0600(tmp_path):
    old = os.umask(0)  # even a permissive umask must not widen the keys
    try:
        f = tls.prepare(tmp_path / "t")
    finally:
        os.umask(old)
    assert not f.ca_reused and not f.temporary
    assert {p.name for p in f.directory.iterdir()} == {"ca.pem", "ca.key", "server.pem", "server.key"}
    assert _mode(f.ca_key) == 0o600 and _mode(f.server_key) == 0o600
    assert _mode(f.ca_cert) == 0o644 and _mode(f.server_cert) == 0o644
    assert _mode(f.directory) == 0o700


def test_the_server_certificate_names_loopback_and_is_issued_by_the_ca(tmp_path):
    f = tls.prepare(tmp_path, tls.identities_for("127.0.0.1"))
    cert = x509.load_pem_x509_certificate(f.server_cert.read_bytes())
    ca = x509.load_pem_x509_certificate(f.ca_cert.read_bytes())
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert set(san.get_values_for_type(x509.DNSName)) == {"localhost"}
    assert {str(ip) for ip in san.get_values_for_type(x509.IPAddress)} == {"127.0.0.1", "::1"}
    cert.verify_directly_issued_by(ca)
    ctx = ssl.create_default_context(cafile=str(f.ca_cert))  # the bundle loads as a trust store
    ctx.load_cert_chain(f.server_cert, f.server_key)  # and the key matches the certificate


def test_an_existing_ca_is_reused_and_its_key_kept_private(tmp_path):
    first = tls.prepare(tmp_path)
    ca_pem, ca_key, server_pem = first.ca_cert.read_bytes(), first.ca_key.read_bytes(), first.server_cert.read_bytes()
    first.ca_key.chmod(0o644)  # someone loosened it: it is tightened again
    second = tls.prepare(tmp_path)
    assert second.ca_reused
    assert second.ca_cert.read_bytes() == ca_pem and second.ca_key.read_bytes() == ca_key
    assert second.server_cert.read_bytes() != server_pem  # a new server certificate every start …
    ca = x509.load_pem_x509_certificate(ca_pem)
    x509.load_pem_x509_certificate(second.server_cert.read_bytes()).verify_directly_issued_by(ca)  # … same CA
    assert _mode(second.ca_key) == 0o600 and _mode(second.server_key) == 0o600


def test_a_ca_certificate_without_its_key_is_not_silently_replaced(tmp_path):
    f = tls.prepare(tmp_path)
    ca_pem = f.ca_cert.read_bytes()
    f.ca_key.unlink()
    with pytest.raises(tls.TlsError, match="ca.key"):
        tls.prepare(tmp_path)
    assert f.ca_cert.read_bytes() == ca_pem


def test_a_key_that_does_not_match_the_ca_is_refused(tmp_path):
    a, b = tls.prepare(tmp_path / "a"), tls.prepare(tmp_path / "b")
    a.ca_key.write_bytes(b.ca_key.read_bytes())
    with pytest.raises(tls.TlsError, match="not the private key"):
        tls.prepare(tmp_path / "a")


def test_default_directory_is_next_to_the_database_or_temporary(tmp_path):
    assert tls.default_dir(tmp_path / "x.db") == tmp_path / ".gjj-tls"
    assert tls.default_dir(":memory:") is None
    f = tls.prepare(db=tmp_path / "x.db")
    assert f.directory == tmp_path / ".gjj-tls" and not f.temporary
    f.cleanup()
    assert f.directory.exists()
    t = tls.prepare(db=":memory:")
    assert t.temporary and t.ca_cert.exists() and _mode(t.directory) == 0o700
    t.cleanup()
    assert not t.directory.exists()


def test_identities_cover_loopback_and_the_listening_host():
    assert tls.identities_for(None) == ["127.0.0.1", "localhost", "::1"]
    assert tls.identities_for("127.0.0.1") == ["127.0.0.1", "localhost", "::1"]
    assert tls.identities_for("portal.test")[-1] == "portal.test"
    assert tls.identities_for("192.0.2.7")[-1] == "192.0.2.7"
    wildcard = tls.identities_for("0.0.0.0")
    assert "0.0.0.0" not in wildcard and len(wildcard) >= 3

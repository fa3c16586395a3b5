"""HTTPS for the reference centre: a local CA and a server certificate made with `trustme`.

Vendors' test environments often sit behind self-signed certificates, so the reference centre can
serve HTTPS the same way (`gjj serve --https`, `gjj demo --https`) and the harness can be shown to
work against it (`--ca-bundle PATH` or `--insecure`).

A TLS directory holds:

  ca.pem       the local CA's certificate: the bundle a client trusts (mode 0644)
  ca.key       the CA's private key, kept so the same CA is reused on every start (mode 0600)
  server.pem   the server certificate, issued anew on every start for the names served (0644)
  server.key   its private key (mode 0600)

An existing CA in the directory is reused, so a vendor who added ca.pem to a trust store keeps it
across restarts; only the server certificate is replaced. An expired CA is refused (remove it to
make a new one); one that ends within CA_WARN_DAYS is used, but said so (`ca_expiring`), and no
server certificate outlives the CA that signs it.
"""
from __future__ import annotations

import datetime as _dt
import ipaddress
import os
import shutil
import socket
import tempfile
from dataclasses import dataclass
from pathlib import Path

CA_CERT = "ca.pem"
CA_KEY = "ca.key"
SERVER_CERT = "server.pem"
SERVER_KEY = "server.key"
DEFAULT_DIR_NAME = ".gjj-tls"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
SERVER_CERT_DAYS = 397  # leaf certificates valid longer than this are refused by some clients
CA_WARN_DAYS = 30  # an existing CA this close to its end is reported when the centre starts
PRIVATE = 0o600
PUBLIC = 0o644


class TlsError(Exception):
    """The TLS directory cannot be used as it is (e.g. a CA certificate without its key)."""


@dataclass(frozen=True)
class TlsFiles:
    directory: Path
    ca_cert: Path  # the CA bundle clients trust
    ca_key: Path
    server_cert: Path
    server_key: Path
    identities: tuple[str, ...]  # the names the server certificate is valid for
    ca_reused: bool  # False: a new CA was made (clients must trust the new ca.pem)
    temporary: bool = False  # a temporary directory, removed by cleanup()
    ca_not_after: _dt.datetime | None = None  # when the CA expires (UTC)
    ca_expiring: bool = False  # it expires within CA_WARN_DAYS: make a new one soon

    def cleanup(self) -> None:
        """Removes a temporary directory (the :memory: case); a chosen directory is kept."""
        if self.temporary:
            shutil.rmtree(self.directory, ignore_errors=True)


def default_dir(db: str | os.PathLike | None) -> Path | None:
    """`.gjj-tls/` next to the database file; None for an in-memory database (use a temp dir)."""
    if db is None or str(db) in ("", ":memory:"):
        return None
    return Path(db).expanduser().resolve().parent / DEFAULT_DIR_NAME


def identities_for(host: str | None = None) -> list[str]:
    """The names the server certificate is valid for: loopback, plus the listening host if any.
    A wildcard listen address (0.0.0.0, ::) is not a name a client uses: the machine's host name is
    added instead."""
    names = list(LOOPBACK_NAMES)
    extra: list[str] = []
    if host:
        h = host.strip("[]")
        if h in ("0.0.0.0", "::", "*"):
            extra += [socket.gethostname(), socket.getfqdn()]
        else:
            extra.append(h)
    for name in extra:
        name = name.strip().rstrip(".")
        if not name or name in names:
            continue
        if _is_ip(name) or _is_hostname(name):
            names.append(name.lower() if not _is_ip(name) else str(ipaddress.ip_address(name)))
    # de-duplicate while keeping order (e.g. "LOCALHOST", "::0001")
    seen: list[str] = []
    for n in names:
        if n not in seen:
            seen.append(n)
    return seen


def prepare(directory: str | os.PathLike | None = None, hosts: list[str] | tuple[str, ...] = (),
            *, db: str | os.PathLike | None = None) -> TlsFiles:
    """Makes (or reuses) the CA in `directory` and issues a server certificate for `hosts`
    (default: loopback names). Without a directory: `.gjj-tls/` next to `db`, or a new temporary
    directory for an in-memory database (removed by `TlsFiles.cleanup()`)."""
    import trustme

    temporary = False
    if directory is None:
        directory = default_dir(db)
    if directory is None:
        d = Path(tempfile.mkdtemp(prefix="gjj-tls-"))  # mode 0700
        temporary = True
    else:
        d = Path(directory).expanduser().resolve()
        try:
            d.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as e:
            raise TlsError(f"cannot create TLS directory {d}: {e}") from e
        if not d.is_dir():
            raise TlsError(f"TLS directory {d} is not a directory")

    ca_cert, ca_key = d / CA_CERT, d / CA_KEY
    reused = ca_cert.exists() or ca_key.exists()
    if reused:
        ca = _load_ca(ca_cert, ca_key)
        os.chmod(ca_key, PRIVATE)
    else:
        ca = trustme.CA(organization_name="gjj reference centre (test only)",
                        organization_unit_name="local test CA")
        _write(ca_key, ca.private_key_pem.bytes(), PRIVATE)
        _write(ca_cert, ca.cert_pem.bytes(), PUBLIC)

    names = tuple(hosts) if hosts else tuple(LOOPBACK_NAMES)
    now = _utcnow()
    ca_end = _not_after(ca._certificate)
    # a client refuses a certificate whose issuer has expired: the server's ends with its CA at the latest
    leaf_end = min(now + _dt.timedelta(days=SERVER_CERT_DAYS), ca_end)
    leaf = ca.issue_cert(*names, common_name=names[0], organization_name="gjj reference centre (test only)",
                         not_before=_naive_utc(now - _dt.timedelta(hours=1)), not_after=_naive_utc(leaf_end))
    server_cert, server_key = d / SERVER_CERT, d / SERVER_KEY
    _write(server_key, leaf.private_key_pem.bytes(), PRIVATE)
    _write(server_cert, b"".join(p.bytes() for p in leaf.cert_chain_pems), PUBLIC)
    return TlsFiles(d, ca_cert, ca_key, server_cert, server_key, names, reused, temporary, ca_end,
                    ca_end - now < _dt.timedelta(days=CA_WARN_DAYS))


def _load_ca(ca_cert: Path, ca_key: Path):
    import trustme
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if not (ca_cert.exists() and ca_key.exists()):
        have, missing = (ca_cert, ca_key) if ca_cert.exists() else (ca_key, ca_cert)
        raise TlsError(f"{have} exists but {missing.name} does not: cannot reuse the CA. "
                       f"Restore {missing.name}, or remove {have.name} to make a new CA "
                       f"(clients must then trust the new {CA_CERT}).")
    try:
        ca = trustme.CA.from_pem(ca_cert.read_bytes(), ca_key.read_bytes())
    except (ValueError, TypeError) as e:
        raise TlsError(f"cannot read the CA in {ca_cert.parent}: {e}") from e
    cert = ca._certificate
    try:
        is_ca = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if not is_ca:
        raise TlsError(f"{ca_cert} is not a CA certificate")
    def spki(k):
        return k.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    if spki(cert.public_key()) != spki(ca._private_key.public_key()):
        raise TlsError(f"{ca_key} is not the private key of {ca_cert}")
    if _not_after(cert) <= _utcnow():
        raise TlsError(f"{ca_cert} 中的 CA 已于 {_not_after(cert):%Y-%m-%d} 过期，删除 {CA_CERT} 和 {CA_KEY} 即可新建 / "
                       f"the CA in {ca_cert} expired on {_not_after(cert):%Y-%m-%d}: remove {CA_CERT} and {CA_KEY} "
                       f"to make a new one (clients must then trust the new {CA_CERT})")
    return ca


def _not_after(cert) -> _dt.datetime:
    return getattr(cert, "not_valid_after_utc", None) or cert.not_valid_after.replace(tzinfo=_dt.UTC)


def _naive_utc(t: _dt.datetime) -> _dt.datetime:
    """As cryptography's certificate builder reads a time."""
    return t.astimezone(_dt.UTC).replace(tzinfo=None)


def _write(path: Path, data: bytes, mode: int) -> None:
    """Atomically replaces `path` with `data`; the file never exists with looser permissions."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        os.fchmod(fd, mode)  # the umask may have taken bits away; set exactly what is meant
        with os.fdopen(fd, "wb") as f:
            fd = -1
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if fd != -1:
            os.close(fd)
        tmp.unlink(missing_ok=True)
        raise


def _utcnow() -> _dt.datetime:
    """Real time: certificates are checked by clients against their wall clock, never the virtual one."""
    from .clock import SystemClock
    return SystemClock().now().astimezone(_dt.UTC)


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def _is_hostname(name: str) -> bool:
    labels = name.split(".")
    return len(name) <= 253 and all(
        0 < len(lb) <= 63 and lb[0] != "-" and lb[-1] != "-" and all(c.isalnum() or c == "-" for c in lb)
        and lb.isascii() for lb in labels)

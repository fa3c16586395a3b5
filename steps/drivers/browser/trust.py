"""Make the browser trust an HTTPS target the way `--ca-bundle` makes the API driver trust it.

Chromium on Linux takes its roots from an NSS database, not from a PEM file, and Playwright has
no CA option (only "ignore every certificate error"). So the harness verifies the target itself,
with Python's ssl and the given bundle (chain and host name), and then tells Chromium to accept
exactly the keys it verified: the server's own key and the bundle's CA keys, through
`--ignore-certificate-errors-spki-list`. Any other certificate (another host, a different key)
is still refused by the browser, unlike `--insecure`.
"""
from __future__ import annotations

import base64
import hashlib
import socket
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


class TrustError(Exception):
    """The CA bundle does not verify the target: the browser must not be told to trust it."""


def spki_hash(cert: x509.Certificate) -> str:
    """base64(SHA-256(SubjectPublicKeyInfo)), the form Chromium's SPKI list takes."""
    spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(spki).digest()).decode("ascii")


def verified_server_certificate(url: str, ca_bundle: str | Path, timeout: float = 10.0) -> x509.Certificate:
    """Connect to the target and verify its certificate with the bundle; return the leaf."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    context = ssl.create_default_context(cafile=str(ca_bundle))
    try:
        with socket.create_connection((host, port), timeout=timeout) as raw, \
                context.wrap_socket(raw, server_hostname=host) as tls:
            der = tls.getpeercert(binary_form=True)
    except ssl.SSLCertVerificationError as e:
        raise TrustError(f"{url} 的证书不能用 {ca_bundle} 验证 / the CA bundle does not verify the target: "
                         f"{e.verify_message}") from e
    except (OSError, ssl.SSLError) as e:
        raise TrustError(f"无法与 {url} 建立 TLS 连接 / cannot reach the target over TLS: {e}") from e
    return x509.load_der_x509_certificate(der)


def chromium_args(url: str, ca_bundle: str | Path | None) -> list[str]:
    """Extra Chromium flags for `url`: none for plain HTTP or without a bundle."""
    if not ca_bundle or urlsplit(url).scheme != "https":
        return []
    leaf = verified_server_certificate(url, ca_bundle)
    cas = x509.load_pem_x509_certificates(Path(ca_bundle).read_bytes())
    hashes = dict.fromkeys([spki_hash(leaf), *(spki_hash(c) for c in cas)])
    return ["--ignore-certificate-errors-spki-list=" + ",".join(hashes)]

"""Hashing of PINs, query passwords and session tokens. Nothing here is ever logged."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

# Query passwords: argon2id with modest cost (a simulator still answers in milliseconds).
_ARGON = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
_PIN_ITERATIONS = 2000  # PINs are six digits: the lock after N attempts is the real protection


def hash_pin(pin: str) -> str:
    salt = secrets.token_hex(8)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), _PIN_ITERATIONS).hex()
    return f"pbkdf2-sha256${_PIN_ITERATIONS}${salt}${digest}"


def check_pin(pin: str, stored: str) -> bool:
    try:
        _, iterations, salt, digest = stored.split("$")
        calc = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations)).hex()
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(calc, digest)


def hash_password(password: str) -> str:
    return _ARGON.hash(password)


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        return _ARGON.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()

"""`manifest.sha256`: the SHA-256 of every file in a report directory, so a report handed to a vendor
or an auditor can be checked for changes — with this module or with plain ``sha256sum -c``.

The format is GNU coreutils': ``<64 hex>  <path>``, paths relative with forward slashes, sorted.
A name holding a backslash, newline or carriage return is escaped as sha256sum does it (the line
starts with a backslash), so the file stays one line per entry and ``sha256sum -c`` still reads it.
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

MANIFEST = "manifest.sha256"
_LINE = re.compile(r"^(\\?)([0-9a-f]{64}) [ *](.+)$")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _files(out_dir: Path) -> list[str]:
    """Every regular file below out_dir (symlinks excluded: they could point outside), but the manifest."""
    found = []
    for folder, _dirs, names in os.walk(out_dir):
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() or not path.is_file():
                continue
            rel = path.relative_to(out_dir).as_posix()
            if rel != MANIFEST:
                found.append(rel)
    return sorted(found)


def _escape(name: str) -> tuple[str, str]:
    if not any(ch in name for ch in "\\\n\r"):
        return "", name
    return "\\", name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")


def _unescape(name: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "r": "\r", "\\": "\\"}.get(m.group(1), m.group(0)), name)


def write_manifest(out_dir: Path) -> Path:
    out_dir = Path(out_dir)
    lines = []
    for rel in _files(out_dir):
        prefix, name = _escape(rel)
        lines.append(f"{prefix}{_sha256(out_dir / rel)}  {name}\n")
    path = out_dir / MANIFEST
    # surrogateescape: a name that is not UTF-8 is written back as the same bytes sha256sum will see.
    path.write_bytes("".join(lines).encode("utf-8", "surrogateescape"))
    return path


def verify_manifest(out_dir: Path) -> list[str]:
    """One line per problem (changed, missing or added file; unreadable manifest); [] means intact."""
    out_dir = Path(out_dir)
    path = out_dir / MANIFEST
    if not path.is_file():
        return [f"缺少清单文件：{MANIFEST}（missing manifest）"]
    problems: list[str] = []
    listed: dict[str, str] = {}
    text = path.read_bytes().decode("utf-8", "surrogateescape")
    for number, line in enumerate(text.split("\n"), 1):  # not splitlines: names may hold U+2028
        if not line.strip():
            continue
        m = _LINE.match(line)
        if not m:
            problems.append(f"清单第 {number} 行格式错误（malformed manifest line {number}）")
            continue
        name = _unescape(m.group(3)) if m.group(1) else m.group(3)
        if name in listed:
            problems.append(f"清单重复列出：{name}（listed twice）")
        listed[name] = m.group(2)
    present = set(_files(out_dir))
    for name in sorted(set(listed) | present):
        if name not in present:
            problems.append(f"文件缺失：{name}（missing file）")
        elif name not in listed:
            problems.append(f"多出文件：{name}（added file, not in the manifest）")
        elif _sha256(out_dir / name) != listed[name]:
            problems.append(f"文件已改动：{name}（changed file, SHA-256 differs）")
    return problems


def register(sub) -> None:
    p = sub.add_parser("manifest", help="检查报告是否被改动 / check a report folder against its manifest",
                       description="检查报告目录是否与 manifest.sha256 一致 / check a report folder against its "
                                   "manifest: exit 0 intact, 1 changed")
    p.add_argument("report_dir", type=Path, metavar="REPORT_DIR", help="gjj certify 的报告目录 / report folder")
    p.set_defaults(run=run)


def run(args) -> int:
    """gjj manifest DIR: 0 when the report is as written, 1 when it was changed."""
    problems = verify_manifest(args.report_dir)
    for line in problems:
        print(line)
    if not problems:
        print("报告完整，未被修改 / the report is intact")
    return 1 if problems else 0


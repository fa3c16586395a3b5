"""The import contracts of pyproject.toml ([tool.importlinter]), checked by import-linter on a copy of
the source arranged as installed.

In the checkout the packages of `gjj` are sibling folders (gjj.simulator = simulator/, …, mapped by
`package-dir`); import-linter reads a package's files from the folder it finds it in, so it must be
given the installed arrangement: `stage()` copies the Python files of every package listed in
pyproject.toml to <dest>/gjj/…, with the configuration beside them.

    .venv/bin/python -m tests.import_contracts        # lint-imports on a staged copy; its exit status
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def source_folder(package: str, package_dir: dict[str, str], root: Path = ROOT) -> Path:
    """Where `package` lives in the checkout: the longest prefix package-dir maps, plus the rest."""
    parts = package.split(".")
    for i in range(len(parts), 0, -1):
        mapped = package_dir.get(".".join(parts[:i]))
        if mapped is not None:
            return root.joinpath(mapped, *parts[i:])
    return root.joinpath(*parts)


def stage(dest: Path, root: Path = ROOT) -> Path:
    """Copies the packages' .py files and pyproject.toml from `root` to `dest`, arranged as installed."""
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    for package in config["packages"]:
        src = source_folder(package, config.get("package-dir", {}), root)
        out = dest.joinpath(*package.split("."))
        out.mkdir(parents=True, exist_ok=True)
        for f in src.glob("*.py"):
            shutil.copy2(f, out / f.name)
    shutil.copy2(root / "pyproject.toml", dest / "pyproject.toml")
    return dest


def lint(staged: Path, *args: str) -> subprocess.CompletedProcess:
    """`lint-imports` on a staged copy: only that copy on the path, so it is the copy that is read."""
    env = {**os.environ, "PYTHONPATH": str(staged), "PYTHONDONTWRITEBYTECODE": "1",
           "COLUMNS": "240"}  # wide enough that no contract's name is wrapped
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", str(staged / "pyproject.toml"), *args],
                          cwd=staged, env=env, capture_output=True, text=True, timeout=300, check=False)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="gjj-contracts-") as tmp:
        r = lint(stage(Path(tmp)), *sys.argv[1:])
    sys.stdout.write(r.stdout)
    sys.stderr.write(r.stderr)
    return r.returncode


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# Sets up everything this project needs on a fresh Debian machine with Python 3.11:
# system packages (Chromium for the browser driver, a CJK font for screenshots, poppler for
# looking at PDFs, poppler-data so the slips' CJK fonts render, faketime so the example portal in examples/longcheng
# can run on a moved operating-system clock) and a virtual environment in .venv with the project installed.
# Safe to run again: it only installs what is missing. Python packages are pinned by constraints.txt;
# `bash setup.sh --update-constraints` re-resolves them from pyproject.toml and rewrites that file (on purpose).
set -euo pipefail
cd "$(dirname "$0")"
UPDATE=0
[ "${1:-}" = "--update-constraints" ] && UPDATE=1

APT_PACKAGES=(chromium fonts-noto-cjk poppler-utils poppler-data faketime)
missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "setup: installing ${missing[*]} (apt)"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: warning: cannot install ${missing[*]} (no apt-get); browser checks will not run" >&2
  fi
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
if [ "$UPDATE" = 1 ]; then
  echo "setup: re-resolving the dependencies of pyproject.toml (constraints.txt is rewritten)"
  rm -rf .venv-resolve && "$PY" -m venv .venv-resolve
  .venv-resolve/bin/python -m pip install -q --upgrade pip && .venv-resolve/bin/python -m pip install -q -e ".[test,example]"
  { head -n 2 constraints.txt; .venv-resolve/bin/python -m pip freeze --exclude-editable | grep -v '^gjj'; } > constraints.new
  mv constraints.new constraints.txt && rm -rf .venv-resolve
  rm -f .venv/.installed-*
fi
stamp=.venv/.installed-$(cat pyproject.toml constraints.txt | sha256sum | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing the project into .venv"
  for args in "--upgrade pip" "-c constraints.txt -e .[test,example]"; do
    # shellcheck disable=SC2086
    if ! .venv/bin/python -m pip install -q $args >.venv/pip.log 2>&1; then
      cat .venv/pip.log >&2; echo "setup: pip install $args failed" >&2; exit 1
    fi
  done
  .venv/bin/python -c "import gjj.simulator, fastapi, stdnum, chinese_calendar, flask, waitress"
  rm -f .venv/.installed-*
  touch "$stamp"
fi
echo "setup: ready"

#!/usr/bin/env bash
# Run a command next to a freshly started Longcheng portal:
#   examples/longcheng/with-portal.sh COMMAND [ARGS…]
# Starts the portal under libfaketime on a free port (clock at 2025-03-05 10:00:00, Beijing time; a fresh
# database; the back-office token $LONGCHENG_ADMIN_TOKEN, generated if unset; faults from $LONGCHENG_FAULTS),
# exports LONGCHENG_TARGET (a copy of target.yaml for that port), LONGCHENG_CLOCK_FILE and GJJ, runs the
# command, stops the portal and exits with the command's exit code. certify.sh is the usual command.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
export GJJ="${GJJ:-$ROOT/.venv/bin/gjj}"
WORK="$(mktemp -d)"
export LONGCHENG_ADMIN_TOKEN="${LONGCHENG_ADMIN_TOKEN:-$("$PYTHON" -c 'import secrets; print(secrets.token_hex(16))')}"
export LONGCHENG_CLOCK_FILE="$WORK/clock"
PORT="${LONGCHENG_PORT:-$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"

PORTAL=""
stop() {
  if [ -n "$PORTAL" ] && kill -0 "$PORTAL" 2>/dev/null; then
    kill -TERM "$PORTAL" && wait "$PORTAL" 2>/dev/null || true   # SIGTERM: libfaketime removes its shared memory
  fi
  rm -rf "$WORK"
}
trap stop EXIT

mapfile -t CLOCK_ENV < <("$PYTHON" -m gjj.control.faketime env "$LONGCHENG_CLOCK_FILE" 2025-03-05T10:00:00)
mkfifo "$WORK/ready"
env "${CLOCK_ENV[@]}" PYTHONPATH="$ROOT" "$PYTHON" -m examples.longcheng serve --db "$WORK/lc.db" --port "$PORT" \
  --channel-timeout 2000000000 > "$WORK/ready" 2> "$WORK/portal.log" &
PORTAL=$!
exec 3< "$WORK/ready"                        # the portal prints one line once it listens
if ! read -r -t 60 -u 3 line || [[ "$line" != *"serving http://"* ]]; then
  echo "certify.sh: 门户未能启动 / the portal did not start:" >&2; cat "$WORK/portal.log" >&2; exit 2
fi
export LONGCHENG_TARGET="$WORK/target.yaml"
sed -e "s#http://127.0.0.1:8765#http://127.0.0.1:$PORT#" -e "s#locators: adapters/#locators: $HERE/adapters/#" \
  "$HERE/target.yaml" > "$LONGCHENG_TARGET"   # the copy lives elsewhere: its relative paths made absolute

status=0
"$@" || status=$?
exit "$status"

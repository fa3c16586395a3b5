#!/usr/bin/env bash
# Certify the Longcheng example portal end to end:
#   examples/longcheng/certify.sh [gjj certify options]      e.g. --mode api --out out/longcheng
# Starts the portal under libfaketime (with-portal.sh: a free port, a fresh database, the clock at
# 2025-03-05 10:00:00 Beijing time, faults from $LONGCHENG_FAULTS), runs `gjj certify --config <target.yaml for
# that port>` with every option given, stops the portal and exits with certify's exit code (0 every clause
# checked passes, 1 a clause failed, 2 the run could not be completed).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck disable=SC2016  # expanded by the inner shell, once with-portal.sh has exported them
exec "$HERE/with-portal.sh" bash -c '"$GJJ" certify --config "$LONGCHENG_TARGET" "$@"' certify "$@"

#!/usr/bin/env bash
# Sets up everything, then runs the checks CI runs: format, lint, types, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
# Storage tests also run on PostgreSQL when a server answers on the default local port.
if [ -z "${MOTCUA_TEST_DATABASE_URL:-}" ] && command -v pg_isready >/dev/null \
   && pg_isready -q -h 127.0.0.1 -p 5432; then
  export MOTCUA_TEST_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:5432/test"
fi
.venv/bin/ruff format --check .
.venv/bin/ruff check .
.venv/bin/mypy shared hw server admin kiosk display counter_console reports central web notify
.venv/bin/pytest "$@"

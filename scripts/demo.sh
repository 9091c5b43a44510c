#!/usr/bin/env bash
# Sets up everything, then runs the whole centre on simulated hardware with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec .venv/bin/motcua demo --config config/demo-site.toml "$@"

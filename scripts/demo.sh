#!/usr/bin/env bash
# npm run demo: build what the demo needs, then run it (scripts/demo.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "[demo] building the packages"
npm run build --silent >/dev/null
echo "[demo] engine toolchain (first run on a machine: ~8 min of Go builds; then seconds)"
status=0
bash scripts/toolchain.sh || status=$?
# 3: a provider plugin could not be built here (DigitalOcean); the demo does not need it.
if [ "$status" -ne 0 ] && [ "$status" -ne 3 ]; then exit "$status"; fi
exec node --import tsx scripts/demo.ts

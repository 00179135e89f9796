#!/usr/bin/env bash
# Runs the real pulumi CLI with Hearth's offline settings (scripts/pulumi-env.sh), e.g.
#   scripts/pulumi.sh preview -C stacks/home -s dev
set -euo pipefail
# shellcheck source=scripts/pulumi-env.sh
. "$(dirname "${BASH_SOURCE[0]}")/pulumi-env.sh"
if ! command -v pulumi >/dev/null 2>&1; then
  echo "pulumi: not found. Build the toolchain first: bash scripts/toolchain.sh (see docs/engine.md)" >&2
  exit 127
fi
exec pulumi "$@"

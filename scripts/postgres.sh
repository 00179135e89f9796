#!/usr/bin/env bash
# Debian's PostgreSQL server for the team-state tests (docs/state.md): installs it when missing
# and says where its programs are. It never starts a server: each test starts its own in a temp
# directory on 127.0.0.1 and a random port, and stops it (test/support/postgres.ts).
#
#   bash scripts/postgres.sh            install the `postgresql` package if its server programs are
#                                       missing (apt-get update once, apt-get install -y postgresql;
#                                       as root, or through sudo), then print the bin directory
#   bash scripts/postgres.sh --bindir   print the bin directory (initdb, pg_ctl, psql), exit 1 if absent
#
# Idempotent: a second run installs nothing and takes well under a second.
set -euo pipefail

say() { printf '[postgres] %s\n' "$*" >&2; }

# The newest installed server: Debian puts each major version's programs in /usr/lib/postgresql/<major>/bin
# (postgresql-common's layout; the unversioned `postgresql` package depends on the current major).
bindir() {
  local d best="" bestv=0 v
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] || continue
    v=$(basename "$(dirname "$d")"); v=${v%%.*}
    if [ "$v" -gt "$bestv" ] 2>/dev/null; then best=$d; bestv=$v; fi
  done
  [ -n "$best" ] || return 1
  printf '%s\n' "$best"
}

case "${1:-}" in
  --bindir) bindir; exit $? ;;
  "") ;;
  -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) say "unknown option '$1' (try --help)"; exit 2 ;;
esac

if dir=$(bindir); then
  say "PostgreSQL server present: $dir"
  printf '%s\n' "$dir"
  exit 0
fi

command -v apt-get >/dev/null 2>&1 || { say "ERROR: no PostgreSQL server and no apt-get: install PostgreSQL's server (initdb, pg_ctl) yourself"; exit 1; }
SUDO=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { say "ERROR: installing postgresql needs root (or sudo)"; exit 1; }
  SUDO=(sudo)
fi
start=$SECONDS
say "installing Debian's postgresql package (apt-get update, apt-get install -y postgresql)"
"${SUDO[@]}" apt-get update -q
# The package's postinst creates and starts a default cluster; the tests do not use it.
DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends postgresql
dir=$(bindir) || { say "ERROR: postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"; exit 1; }
say "installed in $((SECONDS - start)) s: $dir"
printf '%s\n' "$dir"

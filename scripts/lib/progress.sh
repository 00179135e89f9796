# shellcheck shell=bash
# run_logged LOG CMD...: runs CMD quietly into LOG and, while it runs, prints a progress line at
# least every $HEARTH_PROGRESS_SECONDS (default 20) seconds, counted across consecutive steps: what
# is being built ($STEP, set by the caller), the time this step and the whole run have taken, and
# the last line of the log (with `go build -v` the package being compiled). On failure it shows the
# log's tail (not with RUN_LOGGED_QUIET=1) and returns 1. Sourced by scripts/toolchain.sh; tested
# by test/engine/toolchainProgress.test.ts.

: "${HEARTH_PROGRESS_SECONDS:=20}"
: "${T_START:=$SECONDS}"
STEP=${STEP:-}
_RUN_LOGGED_PID=

# fmt_secs N: 75 -> 1m15s
fmt_secs() { if [ "$1" -ge 60 ]; then printf '%dm%02ds' $(($1 / 60)) $(($1 % 60)); else printf '%ds' "$1"; fi; }

# A run that is interrupted (Ctrl-C, CI timeout) must not leave the build behind: background jobs of
# a non-interactive shell ignore SIGINT, so stop it explicitly. The traps are set inside run_logged
# because callers run it in subshells, which do not inherit traps.
_run_logged_stop() {
  [ -n "$_RUN_LOGGED_PID" ] && kill "$_RUN_LOGGED_PID" 2>/dev/null
  _RUN_LOGGED_PID=
  [ "${BASHPID:-$$}" = "$$" ] && rm -f "$_PROGRESS_STAMP"
  return 0
}

# When the last progress line was printed, shared by every run_logged of this script (callers run it
# in subshells, which cannot pass variables back; $$ is the script's pid in all of them). So the
# interval holds across consecutive steps, not only within one: a 15 s copy followed by a long build
# still reports after 20 s, not 35.
_PROGRESS_STAMP="${TMPDIR:-/tmp}/hearth-progress.$$"

run_logged() {
  local log=$1; shift
  local t0=$SECONDS rc=0 last now
  trap '_run_logged_stop; exit 130' INT
  trap '_run_logged_stop; exit 143' TERM
  trap '_run_logged_stop' EXIT
  [ -f "$_PROGRESS_STAMP" ] || : >"$_PROGRESS_STAMP"
  "$@" >>"$log" 2>&1 &
  _RUN_LOGGED_PID=$!
  while kill -0 "$_RUN_LOGGED_PID" 2>/dev/null; do
    now=$(date +%s)
    if [ $((now - $(stat -c %Y "$_PROGRESS_STAMP" 2>/dev/null || stat -f %m "$_PROGRESS_STAMP" 2>/dev/null || echo "$now"))) -ge "$HEARTH_PROGRESS_SECONDS" ]; then
      last=$(tail -n 1 "$log" 2>/dev/null | tr -d '\r' | cut -c1-110)
      printf '[toolchain] ... %s: %s so far (total %s)%s\n' "${STEP:-$1}" "$(fmt_secs $((SECONDS - t0)))" \
        "$(fmt_secs $((SECONDS - T_START)))" "${last:+; last: $last}"
      touch "$_PROGRESS_STAMP"
    fi
    sleep 1
  done
  wait "$_RUN_LOGGED_PID" || rc=$?
  _RUN_LOGGED_PID=
  if [ "$rc" -ne 0 ] && [ -n "${RUN_LOGGED_QUIET:-}" ]; then
    return 1
  elif [ "$rc" -ne 0 ]; then
    printf '[toolchain] command failed: %s\n[toolchain] last lines of %s:\n' "$*" "$log" >&2
    tail -n 25 "$log" >&2
    return 1
  fi
}

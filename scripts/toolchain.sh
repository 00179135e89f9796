#!/usr/bin/env bash
# Builds the real Pulumi engine toolchain from Go modules, offline except for the Go module
# proxy: the `pulumi` CLI, the Node.js and YAML language hosts and the resource provider plugins,
# at the versions pinned in scripts/versions.json (the npm versions of package-lock.json).
#
#   bash scripts/toolchain.sh          everything; exits 3 if a provider plugin could not be built
#                                      (a provider whose published module the proxy refuses is built
#                                      BRIDGED from scripts/bridge/<name>: upstream Terraform provider
#                                      + Hearth's own mapping; every line says which path it took)
#   bash scripts/toolchain.sh --core   only the CLI and the language hosts
#   bash scripts/toolchain.sh --status show what is built and installed, build nothing
#
# Binaries go to ${HEARTH_TOOLCHAIN_DIR:-$HOME/.cache/hearth-toolchain}/<name>-<version>/ and are
# hard-linked into .../bin (put on PATH by scripts/pulumi-env.sh). Providers are installed into
# the Pulumi plugin cache (~/.pulumi/plugins, or $PULUMI_HOME/plugins) at exactly the npm version.
# A binary that is already built is not rebuilt. Go's own caches stay where `go env` puts them.
# Nothing is downloaded from release pages. See docs/engine.md.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VERSIONS="$ROOT/scripts/versions.json"
TOOLCHAIN_DIR="${HEARTH_TOOLCHAIN_DIR:-$HOME/.cache/hearth-toolchain}"
BIN_DIR="$TOOLCHAIN_DIR/bin"
LOG_DIR="$TOOLCHAIN_DIR/logs"
MODE=all
case "${1:-}" in
  "") ;;
  --core) MODE=core ;;
  --status) MODE=status ;;
  -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "toolchain: unknown option '$1' (try --help)" >&2; exit 2 ;;
esac

T_START=$SECONDS
say() { printf '[toolchain] %s\n' "$*"; }
die() { printf '[toolchain] ERROR: %s\n' "$*" >&2; exit 1; }

command -v node >/dev/null 2>&1 || die "node is required (it reads scripts/versions.json)"

# jget PATH: value at a dotted path of versions.json; arrays one item a line; null/missing empty.
jget() {
  node -e '
    let x = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const k of process.argv[2].split(".")) x = x == null ? undefined : x[k];
    if (x == null) process.exit(0);
    if (Array.isArray(x)) { if (x.length) console.log(x.join("\n")); }
    else console.log(typeof x === "object" ? JSON.stringify(x) : String(x));
  ' "$VERSIONS" "$1"
}

PULUMI_VERSION=$(jget pulumi.version)
LANG_VERSION=$(jget languageNodejs.version)
YAML_VERSION=$(jget languageYaml.version)
mapfile -t PROVIDERS < <(node -e 'console.log(Object.keys(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).providers).join("\n"))' "$VERSIONS")

# plugin_installed KIND NAME VERSION PULUMI_BIN: is it in the plugin cache?
plugin_installed() {
  "$4" plugin ls --json 2>/dev/null | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      let list = []; try { list = JSON.parse(s) || []; } catch { process.exit(1); }
      const [kind, name, version] = process.argv.slice(1);
      process.exit(list.some(p => p.kind === kind && p.name === name && p.version === version) ? 0 : 1);
    });' "$1" "$2" "$3"
}

# 1. A suitable pulumi already on PATH (not ours): right version, a language host, all plugins.
existing_toolchain_ok() {
  local p dir n v
  p=$(command -v pulumi 2>/dev/null) || return 1
  dir=$(dirname "$(readlink -f "$p")")
  [ -d "$BIN_DIR" ] && [ "$dir" = "$(readlink -f "$BIN_DIR")" ] && return 1
  [ "$("$p" version 2>/dev/null)" = "v$PULUMI_VERSION" ] || return 1
  [ -x "$dir/pulumi-language-nodejs" ] || command -v pulumi-language-nodejs >/dev/null 2>&1 || return 1
  [ -x "$dir/pulumi-language-yaml" ] || command -v pulumi-language-yaml >/dev/null 2>&1 || return 1
  for n in "${PROVIDERS[@]}"; do
    v=$(jget "providers.$n.version")
    plugin_installed resource "$n" "$v" "$p" || return 1
  done
  say "using the pulumi already on PATH: $p (v$PULUMI_VERSION, language hosts and plugins present)"
  return 0
}
if [ "$MODE" != status ] && [ -z "${HEARTH_TOOLCHAIN_FORCE:-}" ] && existing_toolchain_ok; then exit 0; fi

# 2. Go and the module proxy.
GO="${GO:-$(command -v go 2>/dev/null || true)}"
[ -n "$GO" ] || { [ -x /usr/local/go/bin/go ] && GO=/usr/local/go/bin/go; } || true
check_go() {
  [ -n "$GO" ] && [ -x "$GO" ] || die "Go is not installed (no 'go' on PATH, nor /usr/local/go/bin/go; or set GO=/path/to/go). Go >= 1.25 is needed to build the Pulumi toolchain."
  local gv; gv=$("$GO" env GOVERSION 2>/dev/null || true)
  case "$gv" in
    go1.2[5-9]*|go1.[3-9][0-9]*|go[2-9]*) ;;
    *) die "Go >= 1.25 is needed, found '${gv:-unknown}' at $GO" ;;
  esac
  local proxy; proxy=$("$GO" env GOPROXY)
  case "$proxy" in ""|off) die "the Go module proxy is disabled (GOPROXY='$proxy'); the toolchain is built from Go modules" ;; esac
}
PROXY_CHECKED=
check_proxy() {
  [ -n "$PROXY_CHECKED" ] && return 0
  local out
  out=$("$GO" mod download -json "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION" 2>&1 || true)
  if ! printf '%s' "$out" | grep -q '"Dir"'; then
    die "the Go module proxy cannot be reached or does not serve github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION:
$out"
  fi
  PROXY_CHECKED=1
}

# moddir MODULE@VERSION: download a module through the proxy, print its directory, or fail with the proxy's error.
moddir() {
  local out tmp
  tmp=$(mktemp)
  # Through run_logged, so a slow first download reports progress too (on stderr: stdout is the result).
  STEP="go mod download $1" RUN_LOGGED_QUIET=1 run_logged "$tmp" "$GO" mod download -json "$1" >&2 || true
  out=$(cat "$tmp"); rm -f "$tmp"
  printf '%s' "$out" | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      let j; try { j = JSON.parse(s); } catch { console.error(s.trim()); process.exit(1); }
      if (j.Error || !j.Dir) { console.error(j.Error || s.trim()); process.exit(1); }
      console.log(j.Dir);
    });'
}

# fresh_copy SRC DST: a writable copy of a read-only module directory.
fresh_copy() {
  rm -rf "$2"; mkdir -p "$(dirname "$2")"
  STEP="copying $1 to a writable work directory" run_logged /dev/null cp -r "$1" "$2"
  chmod -R u+w "$2"
}

# run_logged LOG CMD...: run quietly into LOG, printing progress (what $STEP is building, elapsed
# time, the log's last line) every HEARTH_PROGRESS_SECONDS (20) s; on failure show the log's tail.
# shellcheck source=scripts/lib/progress.sh
. "$ROOT/scripts/lib/progress.sh"

mkdir -p "$TOOLCHAIN_DIR" "$BIN_DIR" "$LOG_DIR"
if command -v flock >/dev/null 2>&1; then exec 9>"$TOOLCHAIN_DIR/.lock"; flock 9; fi

# link_bin FILE: hard link (fallback: copy) into BIN_DIR, so the CLI finds the language host beside itself.
link_bin() { local t="$BIN_DIR/$(basename "$1")"; rm -f "$t"; ln "$1" "$t" 2>/dev/null || cp "$1" "$t"; }

# build_cli: the pulumi CLI from github.com/pulumi/pulumi/pkg/v3 (a copy of the module dir, so its
# replace directives can be rewritten: sdk/v3 => ../sdk becomes a require of the same tag).
build_cli() {
  local v=$PULUMI_VERSION t0=$SECONDS out dir work log
  out="$TOOLCHAIN_DIR/pulumi-$v/pulumi"
  if [ -x "$out" ] && [ "$("$out" version 2>/dev/null)" = "v$v" ]; then
    say "pulumi $v: already built ($((SECONDS - t0))s)"; link_bin "$out"; return 0
  fi
  check_go; check_proxy
  log="$LOG_DIR/pulumi-$v.log"; : >"$log"
  say "pulumi $v: building from $(jget pulumi.module)@$(jget pulumi.moduleVersion) (several minutes the first time; log $log)"
  dir=$(moddir "$(jget pulumi.module)@$(jget pulumi.moduleVersion)") || die "pulumi $v: cannot download $(jget pulumi.module)@$(jget pulumi.moduleVersion)"
  work="$TOOLCHAIN_DIR/src/pulumi-$v"
  fresh_copy "$dir" "$work"
  local -a edits; mapfile -t edits < <(jget pulumi.goModEdits)
  (cd "$work" && run_logged "$log" "$GO" mod edit "${edits[@]}") || die "pulumi $v: go mod edit failed"
  mkdir -p "$(dirname "$out")"
  STEP="pulumi $v: go build $(jget pulumi.package) (module downloads, then compiling)"
  (cd "$work" && run_logged "$log" "$GO" build -v -o "$out.tmp" -ldflags "-s -w $(jget pulumi.ldflags)" "$(jget pulumi.package)") \
    || die "pulumi $v: go build failed (see $log)"
  mv "$out.tmp" "$out"; rm -rf "$work"
  say "pulumi $v: built in $((SECONDS - t0))s -> $out"
  link_bin "$out"
}

# install_scripts: the shell plugin that the CLI's release archive ships beside pulumi, taken from the
# sdk/v3 module at the CLI's tag: pulumi-resource-pulumi-nodejs runs pulumi.dynamic providers.
install_scripts() {
  local f="$BIN_DIR/pulumi-resource-pulumi-nodejs" dir
  [ -x "$f" ] && return 0
  check_go; check_proxy
  dir=$(moddir "github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION") || die "cannot download github.com/pulumi/pulumi/sdk/v3@v$PULUMI_VERSION"
  cp "$dir/nodejs/dist/pulumi-resource-pulumi-nodejs" "$f.tmp"; chmod 755 "$f.tmp"; mv "$f.tmp" "$f"
  say "pulumi-resource-pulumi-nodejs (dynamic providers): installed from sdk/v3 v$PULUMI_VERSION"
}

# build_lang: the Node.js language host, from a small wrapper module requiring the module that holds it.
build_lang() {
  local v=$LANG_VERSION t0=$SECONDS out work log mod modv pkg
  out="$TOOLCHAIN_DIR/pulumi-language-nodejs-$v/pulumi-language-nodejs"
  if [ -x "$out" ]; then say "pulumi-language-nodejs $v: already built ($((SECONDS - t0))s)"; link_bin "$out"; return 0; fi
  check_go; check_proxy
  mod=$(jget languageNodejs.module); modv=$(jget languageNodejs.moduleVersion); pkg=$(jget languageNodejs.package)
  log="$LOG_DIR/pulumi-language-nodejs-$v.log"; : >"$log"
  say "pulumi-language-nodejs $v: building $pkg from $mod@$modv (log $log)"
  work="$TOOLCHAIN_DIR/src/pulumi-language-nodejs-$v"
  rm -rf "$work"; mkdir -p "$work"
  printf 'module hearth.local/build/pulumi-language-nodejs\n\ngo 1.20\n\nrequire %s %s\n' "$mod" "$modv" >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >"$work/tools.go"
  STEP="pulumi-language-nodejs $v: go mod tidy"
  (cd "$work" && run_logged "$log" "$GO" mod tidy) || die "pulumi-language-nodejs $v: go mod tidy failed (see $log)"
  mkdir -p "$(dirname "$out")"
  STEP="pulumi-language-nodejs $v: go build"
  (cd "$work" && run_logged "$log" "$GO" build -v -o "$out.tmp" -ldflags "-s -w $(jget languageNodejs.ldflags)" "$pkg") \
    || die "pulumi-language-nodejs $v: go build failed (see $log)"
  mv "$out.tmp" "$out"; rm -rf "$work"
  say "pulumi-language-nodejs $v: built in $((SECONDS - t0))s -> $out"
  link_bin "$out"
}

# build_yaml: the YAML language host, `go install <package>@<version>` of the pulumi-yaml module
# exactly as published (its own go.mod, no edits), with its version ldflag.
build_yaml() {
  local v=$YAML_VERSION t0=$SECONDS out log gobin pkg modv
  out="$TOOLCHAIN_DIR/pulumi-language-yaml-$v/pulumi-language-yaml"
  if [ -x "$out" ]; then say "pulumi-language-yaml $v: already built ($((SECONDS - t0))s)"; link_bin "$out"; return 0; fi
  check_go; check_proxy
  pkg=$(jget languageYaml.package); modv=$(jget languageYaml.moduleVersion)
  log="$LOG_DIR/pulumi-language-yaml-$v.log"; : >"$log"
  say "pulumi-language-yaml $v: building $pkg@$modv (log $log)"
  gobin="$TOOLCHAIN_DIR/src/pulumi-language-yaml-$v"
  rm -rf "$gobin"; mkdir -p "$gobin" "$(dirname "$out")"
  STEP="pulumi-language-yaml $v: go install (module downloads, then compiling)"
  (cd "$gobin" && GOBIN="$gobin" run_logged "$log" "$GO" install -v -ldflags "-s -w $(jget languageYaml.ldflags)" "$pkg@$modv") \
    || die "pulumi-language-yaml $v: go install failed (see $log)"
  mv "$gobin/pulumi-language-yaml" "$out"; rm -rf "$gobin"
  say "pulumi-language-yaml $v: built in $((SECONDS - t0))s -> $out"
  link_bin "$out"
}

# A provider plugin is built one of two ways, and BUILD-INFO beside the binary says which:
#   published: the published pulumi-<name> provider module at the pinned commit (build_published);
#   bridged:   when the module proxy refuses that module, the UPSTREAM Terraform provider at the
#              version the published plugin wraps, bridged with Hearth's own mapping in
#              scripts/bridge/<name> (build_bridged). Same npm SDK, same tokens and property names
#              (checked against the SDK before the plugin is built), but not the published binary.
provider_out() { printf '%s/pulumi-resource-%s-%s/pulumi-resource-%s' "$TOOLCHAIN_DIR" "$1" "$(jget "providers.$1.version")" "$1"; }
# bridge_hash NAME: fingerprint of scripts/bridge/NAME and its versions.json entry (a change rebuilds).
bridge_hash() {
  { (cd "$ROOT/$(jget "providers.$1.bridged.dir")" && find . -type f ! -path './.gen/*' | LC_ALL=C sort | xargs sha256sum)
    jget "providers.$1.bridged"; } | sha256sum | cut -c1-16
}
REBUILT=()

# build_provider NAME: the plugin, already built or published or bridged; returns 1 if none works.
build_provider() {
  local n=$1 v out info
  v=$(jget "providers.$n.version"); out=$(provider_out "$n"); info="$(dirname "$out")/BUILD-INFO"
  if [ -x "$out" ]; then
    if grep -q '^path=bridged' "$info" 2>/dev/null && [ "$(sed -n 's/^mapping=//p' "$info")" != "$(bridge_hash "$n")" ]; then
      say "pulumi-resource-$n $v: scripts/bridge/$n or its pins changed since the last bridged build: rebuilding"
      rm -f "$out"
    else
      say "pulumi-resource-$n $v: already built ($(sed -n 's/^summary=//p' "$info" 2>/dev/null | grep . || echo 'published provider module'))"
      return 0
    fi
  fi
  if build_published "$n"; then
    printf 'path=published\nsummary=published provider module %s@%s\n' "$(jget "providers.$n.module")" "$(jget "providers.$n.moduleVersion")" >"$info"
    REBUILT+=("$n"); return 0
  fi
  if [ -z "$(jget "providers.$n.bridged.dir")" ]; then
    say "pulumi-resource-$n $v: no bridged fallback in scripts/versions.json" >&2
    return 1
  fi
  say "pulumi-resource-$n $v: published provider unavailable (above) -> BRIDGED fallback from $(jget "providers.$n.bridged.dir")"
  build_bridged "$n" || return 1
  REBUILT+=("$n")
}

# build_published NAME: the published provider from a copy of its provider/ module at the pinned commit.
# Prints nothing on stdout; returns 1 with the reason on stderr when it cannot be built.
build_published() {
  local n=$1 k="providers.$1" t0=$SECONDS v mod modv out dir work log schemaDir err
  v=$(jget "$k.version"); mod=$(jget "$k.module"); modv=$(jget "$k.moduleVersion")
  out=$(provider_out "$n")
  check_go; check_proxy
  if [ -z "$modv" ]; then
    say "pulumi-resource-$n $v: NOT BUILT: no commit pinned for $mod in scripts/versions.json ($(jget "$k.notes"))" >&2
    return 1
  fi
  log="$LOG_DIR/pulumi-resource-$n-$v.log"; : >"$log"
  say "pulumi-resource-$n $v: building from $mod@$modv (log $log)"
  if ! dir=$(moddir "$mod@$modv" 2>"$log.err"); then
    err=$(cat "$log.err"); rm -f "$log.err"
    say "pulumi-resource-$n $v: NOT BUILT: the module proxy does not serve it: go mod download -json $mod@$modv: $err" >&2
    return 1
  fi
  rm -f "$log.err"
  work="$TOOLCHAIN_DIR/src/pulumi-resource-$n-$v"
  fresh_copy "$dir" "$work"
  # Replaces that point at local paths (git submodules such as ../upstream) cannot work from a module
  # copy: drop them; versions.json's goModEdits pins the module they stood for.
  local -a edits=()
  mapfile -t edits < <(cd "$work" && "$GO" mod edit -json | node -e '
    let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
      for (const r of JSON.parse(s).Replace || [])
        if (r.New.Path.startsWith(".") || r.New.Path.startsWith("/")) console.log("-dropreplace=" + r.Old.Path);
    });')
  local -a pinned; mapfile -t pinned < <(jget "$k.goModEdits")
  edits+=("${pinned[@]}")
  if [ "${#edits[@]}" -gt 0 ]; then (cd "$work" && run_logged "$log" "$GO" mod edit "${edits[@]}") || return 1; fi
  # The gitignored schema-embed.json: schema.json with the version set (what `make` does through go generate).
  schemaDir="$work/$(jget "$k.schemaDir")"
  if [ ! -f "$schemaDir/schema-embed.json" ] && [ -f "$schemaDir/schema.json" ]; then
    if [ -f "$schemaDir/generate.go" ]; then
      (cd "$schemaDir" && VERSION="$v" run_logged "$log" "$GO" run generate.go) || return 1
    else
      node -e '
        const fs = require("fs"); const [dir, version] = process.argv.slice(1);
        const s = JSON.parse(fs.readFileSync(dir + "/schema.json", "utf8")); s.version = version;
        fs.writeFileSync(dir + "/schema-embed.json", JSON.stringify(s));' "$schemaDir" "$v"
    fi
  fi
  mkdir -p "$(dirname "$out")"
  STEP="pulumi-resource-$n $v: go build (published provider)"
  (cd "$work" && run_logged "$log" "$GO" build -v -o "$out.tmp" -ldflags "-s -w $(jget "$k.ldflags")" "$(jget "$k.package")") || return 1
  mv "$out.tmp" "$out"; rm -rf "$work"
  say "pulumi-resource-$n $v: built in $((SECONDS - t0))s -> $out"
}

# build_bridged NAME: Hearth's bridged provider (scripts/bridge/NAME, pinned in providers.NAME.bridged):
# a copy of the wrapper module; its pulumi-tfgen-NAME writes schema.json and bridge-metadata.json; the
# schema is compared with the npm SDK (test/engine/bridge-tokens.mjs: resource and function tokens,
# input/state/required property names; the mustMatch resources must be identical); then
# pulumi-resource-NAME is built with both embedded. Returns 1 with the reason on stderr.
build_bridged() {
  local n=$1 k="providers.$1.bridged" t0=$SECONDS v out src work gen log sdk must ldflags
  v=$(jget "providers.$n.version"); out=$(provider_out "$n")
  src="$ROOT/$(jget "$k.dir")"
  [ -f "$src/go.mod" ] || { say "pulumi-resource-$n $v: NOT BUILT: no $src/go.mod" >&2; return 1; }
  check_go; check_proxy
  log="$LOG_DIR/pulumi-resource-$n-$v-bridged.log"; : >"$log"
  say "pulumi-resource-$n $v: building BRIDGED: upstream $(jget "$k.upstream.module")@$(jget "$k.upstream.version") + github.com/pulumi/pulumi-terraform-bridge/v3@$(jget "$k.bridge.version") + Hearth's mapping $(jget "$k.dir") (minutes the first time; log $log)"
  work="$TOOLCHAIN_DIR/src/pulumi-resource-$n-$v-bridged"; gen="$work/.gen"
  fresh_copy "$src" "$work"; rm -rf "$gen"; mkdir -p "$gen"
  ldflags="-s -w $(jget "$k.ldflags")"
  STEP="pulumi-resource-$n $v (bridged): go build pulumi-tfgen-$n"
  (cd "$work" && run_logged "$log" "$GO" build -v -o "$gen/pulumi-tfgen-$n" -ldflags "$ldflags" "$(jget "$k.tfgen")") || return 1
  STEP="pulumi-resource-$n $v (bridged): pulumi-tfgen-$n schema"
  (cd "$gen" && run_logged "$log" "./pulumi-tfgen-$n" schema --out "$gen" --skip-docs --skip-examples) || return 1
  cp "$gen/bridge-metadata.json" "$work/$(jget "$k.metadata")"
  node -e '
    const fs = require("fs"); const [from, to, version] = process.argv.slice(1);
    const s = JSON.parse(fs.readFileSync(from, "utf8")); s.version = version;
    fs.writeFileSync(to, JSON.stringify(s));' "$gen/schema.json" "$work/$(jget "$k.schemaEmbed")" "$v"
  sdk="$ROOT/node_modules/$(jget "providers.$n.npm")"
  if [ -d "$sdk" ]; then
    must=$(jget "$k.mustMatch" | paste -sd, -)
    if ! node "$ROOT/test/engine/bridge-tokens.mjs" --schema "$gen/schema.json" --sdk "$sdk" --must "$must" --quiet >"$gen/token-check.txt" 2>&1; then
      cat "$gen/token-check.txt" >>"$log"
      say "pulumi-resource-$n $v: NOT BUILT: the generated schema does not match $(jget "providers.$n.npm") for: $must" >&2
      sed 's/^/[toolchain]   /' "$gen/token-check.txt" >&2
      return 1
    fi
    sed -n 's/^\(resources\|functions\|provider inputs\|object types\|must-match\)/[toolchain]   &/p' "$gen/token-check.txt"
  else
    say "pulumi-resource-$n $v: WARNING: $sdk not installed, token check against the npm SDK skipped" >&2
  fi
  mkdir -p "$(dirname "$out")"
  STEP="pulumi-resource-$n $v (bridged): go build pulumi-resource-$n"
  (cd "$work" && run_logged "$log" "$GO" build -v -o "$out.tmp" -ldflags "$ldflags" "$(jget "$k.package")") || return 1
  cp "$gen/schema.json" "$(dirname "$out")/schema.json"
  cp "$gen/token-check.txt" "$(dirname "$out")/token-check.txt" 2>/dev/null || true
  printf 'path=bridged\nmapping=%s\nsummary=BRIDGED: upstream %s@%s, bridge %s, mapping %s\n' "$(bridge_hash "$n")" \
    "$(jget "$k.upstream.module")" "$(jget "$k.upstream.version")" "$(jget "$k.bridge.version")" "$(jget "$k.dir")" \
    >"$(dirname "$out")/BUILD-INFO"
  mv "$out.tmp" "$out"; rm -rf "$work"
  say "pulumi-resource-$n $v: BRIDGED plugin built in $((SECONDS - t0))s -> $out"
}

install_plugin() {
  local n=$1 v out re=()
  v=$(jget "providers.$n.version"); out=$(provider_out "$n")
  if [[ " ${REBUILT[*]} " == *" $n "* ]]; then
    re=(--reinstall)
  elif plugin_installed resource "$n" "$v" "$BIN_DIR/pulumi"; then
    say "plugin resource $n $v: already in the plugin cache"; return 0
  fi
  PULUMI_SKIP_UPDATE_CHECK=true "$BIN_DIR/pulumi" plugin install resource "$n" "$v" --file "$out" "${re[@]}" >>"$LOG_DIR/plugins.log" 2>&1 \
    || { say "plugin resource $n $v: 'pulumi plugin install resource $n $v --file $out' failed (see $LOG_DIR/plugins.log)" >&2; return 1; }
  say "plugin resource $n $v: installed into the plugin cache ($(sed -n 's/^summary=//p' "$(dirname "$out")/BUILD-INFO" 2>/dev/null | grep . || echo 'published provider module'))"
}

if [ "$MODE" = status ]; then
  for f in "pulumi-$PULUMI_VERSION/pulumi" "pulumi-language-nodejs-$LANG_VERSION/pulumi-language-nodejs" "pulumi-language-yaml-$YAML_VERSION/pulumi-language-yaml"; do
    if [ -x "$TOOLCHAIN_DIR/$f" ]; then say "built:   $TOOLCHAIN_DIR/$f"; else say "missing: $TOOLCHAIN_DIR/$f"; fi
  done
  for n in "${PROVIDERS[@]}"; do
    v=$(jget "providers.$n.version"); f=$(provider_out "$n")
    if [ -x "$f" ]; then s="built ($(sed -n 's/^summary=//p' "$(dirname "$f")/BUILD-INFO" 2>/dev/null | grep . || echo 'published provider module'))"; else s=missing; fi
    if [ -x "$BIN_DIR/pulumi" ] && plugin_installed resource "$n" "$v" "$BIN_DIR/pulumi"; then s="$s, in plugin cache"; fi
    say "$s: $f"
  done
  exit 0
fi

export GOFLAGS="${GOFLAGS:+$GOFLAGS }-mod=mod"
build_cli
build_lang
build_yaml
install_scripts

MISSING=()
if [ "$MODE" = all ]; then
  for n in "${PROVIDERS[@]}"; do
    if build_provider "$n"; then install_plugin "$n" || MISSING+=("$n"); else MISSING+=("$n"); fi
  done
fi

say "done in $((SECONDS - T_START))s. Binaries: $BIN_DIR (pulumi v$PULUMI_VERSION, pulumi-language-nodejs v$LANG_VERSION, pulumi-language-yaml v$YAML_VERSION)"
say "builds under $TOOLCHAIN_DIR/<name>-<version>/; plugins in ${PULUMI_HOME:-$HOME/.pulumi}/plugins"
say "use: source scripts/pulumi-env.sh (or run scripts/pulumi.sh ...)"
if [ "${#MISSING[@]}" -gt 0 ]; then
  say "MISSING provider plugins: ${MISSING[*]} (reasons above; docs/engine.md)" >&2
  exit 3
fi

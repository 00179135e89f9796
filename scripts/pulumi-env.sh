# shellcheck shell=bash
# Offline settings for the real Pulumi engine, in one place. Source it:
#   source scripts/pulumi-env.sh
# or run commands through scripts/pulumi.sh. Every value can be overridden by setting it first.
# See docs/engine.md.

_hearth_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# The toolchain built by scripts/toolchain.sh (pulumi + pulumi-language-nodejs, side by side).
# Left off PATH when it has not been built, so a suitable pulumi already on PATH is used.
HEARTH_TOOLCHAIN_DIR="${HEARTH_TOOLCHAIN_DIR:-$HOME/.cache/hearth-toolchain}"
export HEARTH_TOOLCHAIN_DIR
if [ -x "$HEARTH_TOOLCHAIN_DIR/bin/pulumi" ]; then
  case ":$PATH:" in
    *":$HEARTH_TOOLCHAIN_DIR/bin:"*) ;;
    *) PATH="$HEARTH_TOOLCHAIN_DIR/bin:$PATH" ;;
  esac
  export PATH
fi

# PULUMI_HOME is left alone: plugins are installed into the default plugin cache (~/.pulumi/plugins).

# State: Pulumi's local file backend in the repo's ignored .hearth/ folder.
if [ -z "${PULUMI_BACKEND_URL:-}" ]; then
  mkdir -p "$_hearth_root/.hearth/state"
  export PULUMI_BACKEND_URL="file://$_hearth_root/.hearth/state"
fi

# Secrets of local and sandbox stacks are encrypted with this passphrase. It is NOT a secret: it
# only protects throwaway state on this machine. Real stacks set their own PULUMI_CONFIG_PASSPHRASE
# (or PULUMI_CONFIG_PASSPHRASE_FILE), or use another secrets provider.
if [ -z "${PULUMI_CONFIG_PASSPHRASE+set}" ] && [ -z "${PULUMI_CONFIG_PASSPHRASE_FILE:-}" ]; then
  export PULUMI_CONFIG_PASSPHRASE="hearth-local-not-a-secret"
fi

# No network: no update check, no plugin downloads (plugins come from scripts/toolchain.sh).
export PULUMI_SKIP_UPDATE_CHECK="${PULUMI_SKIP_UPDATE_CHECK:-true}"
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION="${PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION:-true}"
# The Automation API (LocalWorkspace) compares the CLI version with its own minimum; the CLI is
# pinned to the npm version already, so the check only costs a `pulumi version` per workspace.
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK="${PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK:-true}"

unset _hearth_root

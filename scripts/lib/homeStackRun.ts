/**
 * The real stacks/home program against a sandbox, with its access resources (the Pool and the
 * CI AccessToken) on an administrator's token and everything else on `proxmox:apiToken`: the
 * run the least-privilege derivation records (scripts/derive-access-presets.ts, with root's
 * token as apiToken) and test/e2e/leastPrivilege.e2e.ts repeats with the CI token.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { startSandbox, type ObservedCall, type Sandbox } from "@hearth/sandbox";
import { EngineWorkspace, repoRoot } from "./engine.js";
import { sandboxStackConfig } from "./sandboxStacks.js";
import type { StackScope } from "./accessDerivation.js";

export const homeStack = "leastpriv";

/** A sandbox with an administrator token (root@pam!admin, no privilege separation) beside its default root token. */
export async function sandboxWithAdmin(calls: ObservedCall[]): Promise<{ sb: Sandbox; adminToken: string }> {
  const secret = randomUUID();
  const sb = await startSandbox({ proxmox: { apiTokens: [{ id: "root@pam!admin", secret, privsep: false }], observe: (c) => calls.push(c) } });
  return { sb, adminToken: `root@pam!admin=${secret}` };
}

/** stacks/home in a fresh workspace, its access resources on `adminToken`, the rest on `apiToken`. */
export async function homeWorkspace(sb: Sandbox, adminToken: string, apiToken: string): Promise<EngineWorkspace> {
  const ws = new EngineWorkspace(join(repoRoot, "stacks", "home"), homeStack);
  const { config } = sandboxStackConfig(sb, "home");
  ws.writeConfig(config);
  await ws.init({}, { "proxmox:adminApiToken": adminToken, "proxmox:apiToken": apiToken });
  return ws;
}

/** The scopes of the sandbox home stack's CI token (stacks/home/index.ts, with scripts/lib/sandboxStacks.ts's config). */
export function homeScope(sb: Sandbox): StackScope {
  return { pool: "home", storages: ["local", "local-lvm"], sdnZones: ["lab"], nodes: [sb.proxmox.node], guests: [9000, 2001, 2002, 2003, 2101] };
}

export const pulumi = (ws: EngineWorkspace, ...args: string[]) => ws.run([...args, "--stack", homeStack], { allowFailure: true, timeoutMs: 900_000 });

async function ok(ws: EngineWorkspace, ...args: string[]): Promise<void> {
  const r = await pulumi(ws, ...args);
  if (r.code !== 0) throw new Error(`pulumi ${args.join(" ")} exited ${r.code}\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-3000)}`);
}

/**
 * What a CI job does with the stack, the calls the derivation records: create everything, a
 * preview that reads it all back and finds nothing to change, a drift that `up --refresh`
 * reverts, and a destroy.
 */
export async function homeLifecycle(sb: Sandbox, ws: EngineWorkspace, steps: { beforeDestroy?: () => Promise<void> } = {}): Promise<void> {
  await ok(ws, "up", "--yes", "--skip-preview");
  await ok(ws, "preview", "--refresh", "--expect-no-changes");
  sb.mutate({ api: "proxmox", kind: "vm", id: 2002, config: { memory: "8192" } });
  await ok(ws, "up", "--refresh", "--yes", "--skip-preview");
  await steps.beforeDestroy?.();
  await ok(ws, "destroy", "--yes", "--skip-preview");
}

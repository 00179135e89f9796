/**
 * Derives the `homeStackCi` AccessToken preset: runs the real stacks/home program (up, a
 * refreshing preview, a drift reverted, destroy) against a sandbox with root's token, records
 * every Proxmox call it makes (not the administrator's calls for the pool and the token), maps
 * what the PVE 9.1 schema's permission entries require of each call to the stack's scopes, and
 * writes packages/proxmox/src/accessPresets.data.ts.
 *
 * Needs the engine toolchain and built packages: `npm run build && npm run derive:access`.
 * test/e2e/leastPrivilege.e2e.ts fails when the committed preset and a derivation differ.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ObservedCall } from "@hearth/sandbox";
import { deriveGrants, presetSource, withoutEach } from "./lib/accessDerivation.js";
import { repoRoot } from "./lib/engine.js";
import { homeLifecycle, homeScope, homeWorkspace, sandboxWithAdmin } from "./lib/homeStackRun.js";

async function main(): Promise<void> {
  const calls: ObservedCall[] = [];
  const { sb, adminToken } = await sandboxWithAdmin(calls);
  const ws = await homeWorkspace(sb, adminToken, sb.proxmox.apiToken);
  try {
    await homeLifecycle(sb, ws);
  } finally {
    ws.dispose();
    await sb.stop();
  }
  // The default token's calls (root@pam): the stack's own; the administrator's are root@pam!admin.
  const stackCalls = calls.filter((c) => c.caller === "root@pam");
  const scope = homeScope(sb);
  const d = deriveGrants(stackCalls, scope);
  if (d.problems.length > 0) throw new Error(`calls outside the stack's scopes:\n${d.problems.join("\n")}`);
  const unneeded = Object.entries(withoutEach(stackCalls, scope, d.grants)).filter(([, refused]) => refused.length === 0);
  if (unneeded.length > 0) throw new Error(`privileges no call needs: ${unneeded.map(([k]) => k).join(", ")}`);
  const out = join(repoRoot, "packages/proxmox/src/accessPresets.data.ts");
  writeFileSync(out, presetSource("homeStackCi", d, "the calls of stacks/home (up, refreshing preview, drift reverted, destroy) in the sandbox"));
  console.log(`wrote ${out}: ${d.grants.map((g) => `${g.scope} ${g.privileges.length}`).join(", ")}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});

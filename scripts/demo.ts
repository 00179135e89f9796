/**
 * `npm run demo`: the real `pulumi up` of stacks/home and stacks/cloud against @hearth/sandbox,
 * then the outputs, a client-side check of the signed catalog, `pulumi destroy`, and proof that
 * nothing is left behind. Needs the built packages and the engine toolchain (scripts/demo.sh
 * makes both).
 */
import { join } from "node:path";
import { selectFrontDoor, verifyCatalog } from "@hearth/catalog/client";
import { formatViolations, startSandbox, type Sandbox } from "@hearth/sandbox";
import { EngineWorkspace, repoRoot } from "./lib/engine.js";
import { sandboxStackConfig, type SandboxStack } from "./lib/sandboxStacks.js";

const started = Date.now();
const say = (message: string) => console.log(`[demo ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}`);

/** Prints the engine's progress lines as they come, indented under the demo's own lines. */
function progress(prefix: string): (chunk: string) => void {
  let pending = "";
  return (chunk) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) console.log(`    ${prefix} | ${line}`);
  };
}

async function up(sandbox: Sandbox, stack: SandboxStack): Promise<{ ws: EngineWorkspace; outputs: Record<string, unknown> }> {
  const { config, secrets } = sandboxStackConfig(sandbox, stack);
  const ws = new EngineWorkspace(join(repoRoot, "stacks", stack), "sandbox");
  ws.env = sandbox.env();
  ws.writeConfig(config);
  await ws.init({}, secrets);
  say(`pulumi up stacks/${stack} (stack "sandbox")`);
  await ws.run(["up", "--yes", "--skip-preview", "--stack", "sandbox"], { onOutput: progress(stack) });
  const outputs = JSON.parse((await ws.run(["stack", "output", "--json", "--stack", "sandbox"])).stdout) as Record<string, unknown>;
  return { ws, outputs };
}

async function main(): Promise<void> {
  say("starting @hearth/sandbox on loopback (Proxmox VE over https, Hetzner Cloud, DigitalOcean)");
  const sandbox = await startSandbox();
  const workspaces: EngineWorkspace[] = [];
  try {
    say(`Proxmox ${sandbox.proxmox.endpoint}  Hetzner ${sandbox.hcloud.endpoint}`);
    const home = await up(sandbox, "home");
    workspaces.push(home.ws);
    say("home outputs:");
    console.log(JSON.stringify(home.outputs, null, 2));

    const cloud = await up(sandbox, "cloud");
    workspaces.push(cloud.ws);
    say("cloud outputs (gateway IPs, WireGuard public keys):");
    const { catalogSigned, catalogDocument, catalogSignature, catalogPublicKey, ...rest } = cloud.outputs;
    console.log(JSON.stringify(rest, null, 2));
    say("the signed gateway catalog:");
    console.log(JSON.stringify({ document: JSON.parse(String(catalogDocument)), signature: catalogSignature }, null, 2));

    // What a client does: trust the published key for this key id, verify, pick a front door.
    const keyId = String((JSON.parse(String(catalogSigned)) as { keyId: string }).keyId);
    const checked = verifyCatalog(catalogSigned, { [keyId]: String(catalogPublicKey) }, new Date());
    if (!checked.ok) throw new Error(`the published catalog does not verify: ${checked.error.code}: ${checked.error.message}`);
    const door = selectFrontDoor(checked.catalog, { role: "ingress", region: "hel1", failed: [] });
    say(`catalog verified like a client would (key ${keyId}, ${checked.catalog.gateways.length} active gateways); front door for hel1: ${door?.id} ${door?.addresses.ipv4}`);

    for (const [i, ws] of [...workspaces.entries()].reverse()) {
      say(`pulumi destroy stacks/${i === 0 ? "home" : "cloud"}`);
      await ws.run(["destroy", "--yes", "--skip-preview", "--stack", "sandbox"], { onOutput: progress("destroy") });
    }
    const snapshot = sandbox.inspect();
    if (snapshot.leftovers.length > 0) throw new Error(`left behind in the sandbox: ${snapshot.leftovers.join(", ")}`);
    if (snapshot.unknownCalls.length > 0) throw new Error(`calls the sandbox does not serve: ${JSON.stringify(snapshot.unknownCalls.slice(0, 5))}`);
    say(`destroyed: nothing left in the sandbox after ${snapshot.requests} API requests`);
    const conformance = sandbox.conformance();
    if (conformance.violations.length > 0) throw new Error(`exchanges that depart from the official API descriptions:\n${formatViolations(conformance.violations)}`);
    const pairs = Object.values(conformance.coverage).reduce((n, l) => n + l.length, 0);
    say(`conformance: ${conformance.exchanges} exchanges over ${pairs} (method, path) pairs match the official API descriptions`);
  } finally {
    for (const ws of workspaces) ws.dispose();
    await sandbox.stop();
    say("sandbox stopped");
  }
}

main().catch((error: unknown) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});

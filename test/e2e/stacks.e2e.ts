import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { deriveWireguardPrivateKey } from "@hearth/gateway";
import { startSandbox, type Sandbox } from "@hearth/sandbox";
import { EngineWorkspace, findPlaintext, repoRoot, type PreviewJson } from "../../scripts/lib/engine.js";
import { sandboxStackConfig, type SandboxStack } from "../../scripts/lib/sandboxStacks.js";

// The real stacks/home and stacks/cloud programs, copied under .hearth/ (their imports resolve
// through the repo's node_modules: the built @hearth/* packages), run by the real engine and
// provider plugins against a fresh sandbox, configured only through stack config.

const stackName = "sandbox";
let sandbox: Sandbox | undefined;
let ws: EngineWorkspace | undefined;
afterEach(async () => {
  ws?.dispose();
  ws = undefined;
  await sandbox?.stop();
  sandbox = undefined;
});

async function deploy(stack: SandboxStack): Promise<{ sb: Sandbox; ws: EngineWorkspace; secrets: Record<string, string> }> {
  sandbox = await startSandbox({ hcloud: { actionMs: 20 } });
  ws = new EngineWorkspace(join(repoRoot, "stacks", stack), stackName);
  const { config, secrets } = sandboxStackConfig(sandbox, stack);
  // Quote every string: Pulumi reads YAML 1.1, where an unquoted 2026-11-23T00:00:00Z is a timestamp.
  writeFileSync(ws.configFile, stringify({ config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
  await ws.init({}, secrets);
  return { sb: sandbox, ws, secrets };
}

const pulumi = (w: EngineWorkspace, ...args: string[]) => w.run([...args, "--stack", stackName], { allowFailure: true });
const ok = async (w: EngineWorkspace, ...args: string[]): Promise<string> => {
  const r = await pulumi(w, ...args);
  expect(r.code, `pulumi ${args.join(" ")}\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-3000)}`).toBe(0);
  return r.stdout + r.stderr;
};

/** What `preview --refresh` would change: resource name -> changed property paths. */
async function refreshDiff(w: EngineWorkspace): Promise<Record<string, string[]>> {
  type Step = PreviewJson["steps"][number] & { readonly detailedDiff?: Record<string, unknown> };
  const preview = (await w.previewJson(["--refresh"])) as { steps: readonly Step[] };
  return Object.fromEntries(
    preview.steps.filter((s) => s.op !== "same" && s.op !== "refresh").map((s) => [s.urn.split("::").pop()!, Object.keys(s.detailedDiff ?? {})]),
  );
}

/** No secret in plain text in the engine output, the backend (state, history, backups) or the stack config. */
function secretScan(w: EngineWorkspace, secrets: string[]): void {
  const places = { output: w.transcript.join("\n"), backend: w.stateText(), "stack config": readFileSync(w.configFile, "utf8") };
  expect(places.backend).toContain("ciphertext"); // the secrets are in the state, encrypted
  for (const secret of secrets) expect(findPlaintext(secret, places), "plaintext secret found").toEqual([]);
}

describe("stacks against the sandbox: the real programs, engine and providers", () => {
  it("stacks/home: up, clean preview, drift reported and reverted, destroy leaves nothing, no plaintext secret", async () => {
    const { sb, ws: w, secrets } = await deploy("home");
    await ok(w, "up", "--yes", "--skip-preview");
    const pve = sb.inspect().proxmox;
    expect(pve.vms["9000"]!.config).toMatchObject({ template: 1 });
    for (const id of ["2001", "2002", "2003"]) expect(pve.vms[id]).toMatchObject({ status: "running", config: { memory: "2048" } });
    expect(pve.vms["2001"]!.config.scsi0).toMatch(/size=20G/);
    expect(pve.vms["2003"]!.config.scsi0).toMatch(/size=10G/); // no diskGb: the template's disk
    // The container runs next to the VMs, unprivileged, on the lab network.
    expect(pve.containers?.[2101]).toMatchObject({ status: "running", config: { hostname: "cache-1", cores: 1, memory: 512, unprivileged: 1, features: "nesting=1" } });
    expect(String(pve.containers?.[2101]?.config.net0)).toMatch(/bridge=lab/);
    // Every VM and container has its own vzdump job (backups point from the guest to its policy).
    expect(Object.values(pve.backupJobs).map((j) => String(j.vmid)).sort()).toEqual(["2001", "2002", "2003", "2101"]);
    // web-1 is highly available (`ha: true`), the others are not.
    expect(Object.keys(pve.ha?.resources ?? {})).toEqual(["vm:2001"]);
    expect(pve.ha!.resources["vm:2001"]).toMatchObject({ type: "vm", state: "started" });

    await ok(w, "preview", "--expect-no-changes");

    sb.mutate({ api: "proxmox", kind: "vm", id: 2002, config: { memory: "8192" } });
    expect(await refreshDiff(w)).toEqual({ "web-2": ["memory.dedicated"] });
    await ok(w, "up", "--refresh", "--yes", "--skip-preview");
    expect(sb.inspect().proxmox.vms["2002"]!.config.memory).toBe("2048");
    await ok(w, "preview", "--refresh", "--expect-no-changes");

    await ok(w, "destroy", "--yes", "--skip-preview");
    expect(sb.inspect().leftovers).toEqual([]);
    expect(sb.inspect().unknownCalls).toEqual([]);
    const token = secrets["proxmox:apiToken"]!;
    secretScan(w, [token, token.split("=")[1]!]);
  });

  it("stacks/cloud (hcloud gateways): up, clean preview, drift reported and reverted, destroy leaves nothing, no plaintext secret", async () => {
    const { sb, ws: w, secrets } = await deploy("cloud");
    const up = await ok(w, "up", "--yes", "--skip-preview");
    expect(up).not.toMatch(/warning/i);
    const hc = sb.inspect().hcloud;
    const servers = Object.values(hc.servers);
    expect(servers.map((s) => s.name).sort()).toEqual(["egress-nbg1", "ingress-fsn1", "ingress-hel1"]);
    const ips = Object.values(hc.primaryIps).filter((ip) => ip.type === "ipv4" && String(ip.name).endsWith("-ipv4"));
    expect(ips).toHaveLength(3);
    for (const ip of ips) expect(ip).toMatchObject({ auto_delete: false, assignee_id: expect.any(Number) });
    const outputs = JSON.parse((await w.run(["stack", "output", "--json", "--stack", stackName])).stdout) as { publicIps: Record<string, string>; catalogDocument: string };
    expect(Object.keys(outputs.publicIps).sort()).toEqual(["egress-nbg1", "ingress-fsn1", "ingress-hel1"]);
    expect(JSON.parse(outputs.catalogDocument).gateways).toHaveLength(3);
    // ingress-fsn1 keeps its state on a volume, attached to its server and mounted by its bootstrap.
    const [volume] = Object.values(hc.volumes ?? {});
    expect(volume).toMatchObject({ name: "ingress-fsn1-data", server: servers.find((s) => s.name === "ingress-fsn1")!.id, location: { name: "fsn1" } });
    expect((outputs as unknown as { volumeIds: Record<string, string> }).volumeIds).toEqual({ "ingress-fsn1": String(volume!.id) });
    expect(hc.guestUserData?.[String(servers.find((s) => s.name === "ingress-fsn1")!.id)]).toContain(`${String(volume!.linux_device)} /var/lib/hearth auto defaults,nofail`);

    await ok(w, "preview", "--expect-no-changes");

    const fsn1 = servers.find((s) => s.name === "ingress-fsn1")!;
    sb.mutate({ api: "hcloud", kind: "server", id: fsn1.id as number, set: { labels: { ...(fsn1.labels as Record<string, string>), drift: "yes" } } });
    expect(await refreshDiff(w)).toEqual({ "ingress-fsn1": ["labels.drift"] });
    await ok(w, "up", "--refresh", "--yes", "--skip-preview");
    expect(sb.inspect().hcloud.servers[String(fsn1.id)]!.labels).not.toHaveProperty("drift");
    await ok(w, "preview", "--refresh", "--expect-no-changes");

    await ok(w, "destroy", "--yes", "--skip-preview");
    expect(sb.inspect().leftovers).toEqual([]);
    expect(sb.inspect().unknownCalls).toEqual([]);
    const seed = secrets["hearth-cloud:wireguardSeed"]!;
    secretScan(w, [
      secrets["hearth-cloud:hcloudToken"]!,
      seed,
      secrets["hearth-cloud:catalogSigningKey"]!,
      ...["ingress-fsn1", "ingress-hel1", "egress-nbg1"].map((g) => deriveWireguardPrivateKey(seed, g)),
    ]);
  });
});

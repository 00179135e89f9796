import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deriveWireguardPrivateKey, wireguardPublicKey } from "@hearth/gateway";
import { buildPackagesAt, SandboxProject } from "./harness.js";

// The last commit of main whose GatewayNode created its server, firewall and primary IP itself.
// Since then they are children of the hcloud VmFromTemplate, FirewallGroup and PublicIp it
// builds on, carrying aliases to the URNs they had. This test upgrades a real stack from that
// code to the workspace's and shows the engine keeps every resource.
const before = "b9e4189";
const packages = ["core", "kit", "hcloud", "digitalocean", "gateway"];

/** The old @hearth/gateway (with its old hcloud, digitalocean, kit and core), built by {@link buildPackagesAt}. */
const buildAt = (commit: string): string => join(buildPackagesAt(commit, packages, "gateway"), "packages/gateway/dist/index.cjs");

const seed = "hearth-e2e-gateway-seed-not-a-real-secret-0123456789";
const program = (gatewayModule: string): string => `
const pulumi = require("@pulumi/pulumi");
const { GatewayNode } = require(${JSON.stringify(gatewayModule)});
const gw = new GatewayNode("ingress-fsn1", {
  role: "ingress", cloud: "hcloud", region: "fsn1",
  ports: [{ protocol: "tcp", port: 443 }],
  home: { wireguardPublicKey: "${wireguardPublicKey(deriveWireguardPrivateKey(seed, "home"))}", tunnelCidr: "10.99.0.0/24" },
  adminCidrs: ["198.51.100.0/24"],
  labels: { env: "prod" },
  wireguardSeed: pulumi.secret("${seed}"),
});
exports.ip = gw.publicIp;
`;

interface Step {
  readonly op: string;
  readonly urn: string;
  readonly type: string;
  readonly paths: string[];
}

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);

describe("GatewayNode upgrade: the engine keeps the server, firewall and primary IP", () => {
  it(`from ${before}'s GatewayNode to the one composing VmFromTemplate, FirewallGroup and PublicIp`, async () => {
    const old = buildAt(before);
    project = await SandboxProject.create("gateway-upgrade", program(old), { hcloud: { actionMs: 20 } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const was = p.sandbox.inspect().hcloud;
    const [server] = Object.values(was.servers);
    const [firewall] = Object.values(was.firewalls);
    const [ip] = Object.values(was.primaryIps).filter((i) => i.type === "ipv4");

    writeFileSync(join(p.dir, "index.js"), program("@hearth/gateway"));
    const preview = await p.pulumi(["preview", "--json", "--show-sames"]);
    ok(preview);
    const steps = ((JSON.parse(preview.output.slice(preview.output.indexOf("{"))) as { steps?: { op: string; urn: string; detailedDiff?: Record<string, unknown> }[] }).steps ?? []).map(
      (s): Step => ({ op: s.op, urn: s.urn, type: s.urn.split("::")[2]!.split("$").pop()!, paths: Object.keys(s.detailedDiff ?? {}) }),
    );
    const raw = steps.filter((s) => s.type.startsWith("hcloud:"));
    // Each raw resource is found under its old URN (an alias) and neither created, deleted nor replaced.
    expect(raw.map((s) => [s.type, s.op]).sort()).toEqual([
      ["hcloud:index/firewall:Firewall", "same"],
      ["hcloud:index/primaryIp:PrimaryIp", "same"],
      ["hcloud:index/server:Server", "same"],
    ]);
    // The only creates are the three components the raw resources now live under.
    expect(steps.filter((s) => s.op !== "same").map((s) => [s.op, s.type]).sort()).toEqual([
      ["create", "hearth:hcloud:FirewallGroup"],
      ["create", "hearth:hcloud:PublicIp"],
      ["create", "hearth:hcloud:VmFromTemplate"],
    ]);

    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const now = p.sandbox.inspect().hcloud;
    expect(Object.values(now.servers).map((s) => s.id)).toEqual([server!.id]);
    expect(Object.values(now.firewalls).map((f) => f.id)).toEqual([firewall!.id]);
    expect(Object.values(now.primaryIps).filter((i) => i.type === "ipv4").map((i) => [i.id, i.ip])).toEqual([[ip!.id, ip!.ip]]);
    ok(await p.pulumi(["preview", "--expect-no-changes"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.stateText()).not.toContain(seed);
  });
});

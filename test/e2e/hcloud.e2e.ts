import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { deriveWireguardPrivateKey, wireguardPublicKey } from "@hearth/gateway";
import { SandboxProject } from "./harness.js";

// Raw provider resources: the sandbox's fidelity for what @pulumi/hcloud calls.
const rawProgram = `
const hcloud = require("@pulumi/hcloud");
const ip = new hcloud.PrimaryIp("gw-ip", { type: "ipv4", location: "fsn1", autoDelete: false, labels: { "hearth/role": "ingress" } });
const fw = new hcloud.Firewall("gw-fw", { rules: [{ direction: "in", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0", "::/0"] }] });
const server = new hcloud.Server("gw-1", {
  serverType: "cx23",
  image: "debian-12",
  location: "fsn1",
  labels: { "hearth/role": "ingress" },
  firewallIds: [fw.id.apply(Number)],
  publicNets: [{ ipv4Enabled: true, ipv4: ip.id.apply(Number), ipv6Enabled: false }],
  backups: true,
});
exports.ip = server.ipv4Address;
`;

// Hearth's own components, built (npm run build) and loaded from the workspace.
const hearthProgram = `
const { rule } = require("@hearth/core");
const { FirewallGroup, Network, VmFromTemplate } = require("@hearth/hcloud");
const lab = new Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24" });
const web = new FirewallGroup("web", {
  rules: [rule.allowIn({ protocol: "tcp", ports: [80, 443] }), rule.allowIn({ protocol: "tcp", ports: [22], from: ["198.51.100.0/24"] })],
});
const vm = new VmFromTemplate("web-1", {
  location: "fsn1",
  size: "medium",
  networks: [{ networkId: lab.networkId, ipv4Address: "10.20.1.10" }],
  firewallGroups: [web.groupId],
  cloudInit: { user: "ops", sshKeys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@laptop"] },
  backups: { retention: { keepDaily: 7 } },
});
exports.instanceId = vm.instanceId;
exports.ip = vm.ipv4Address;
exports.privateIp = vm.privateIpv4Address;
`;

// A GatewayNode on hcloud; its ports are part of the server's user data, so changing them
// replaces the server (delete first), which must keep the primary IP.
const gatewaySeed = "hearth-e2e-gateway-seed-not-a-real-secret-0123456789";
const gatewayProgram = (ports: number[], region = "fsn1"): string => `
const pulumi = require("@pulumi/pulumi");
const { GatewayNode } = require("@hearth/gateway");
const gw = new GatewayNode("ingress-fsn1", {
  role: "ingress", cloud: "hcloud", region: "${region}",
  ports: ${JSON.stringify(ports.map((port) => ({ protocol: "tcp", port })))},
  home: { wireguardPublicKey: "${wireguardPublicKey(deriveWireguardPrivateKey(gatewaySeed, "home"))}", tunnelCidr: "10.99.0.0/24" },
  adminCidrs: ["198.51.100.0/24"],
  wireguardSeed: pulumi.secret("${gatewaySeed}"),
});
exports.ip = gw.publicIp;
`;

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);

describe("hcloud: the real engine and provider against the sandbox", () => {
  it("up, no-change preview, drift reported and reverted, refresh, destroy leaves nothing", async () => {
    project = await SandboxProject.create("hcloud-raw", rawProgram, { hcloud: { actionMs: 50 } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const servers = Object.values(p.sandbox.inspect().hcloud.servers);
    expect(servers).toHaveLength(1);
    expect(servers[0]).toMatchObject({ name: expect.stringMatching(/^gw-1-/), status: "running", backup_window: "22-02" });
    expect(Object.values(p.sandbox.inspect().hcloud.primaryIps)[0]).toMatchObject({ assignee_id: servers[0]!.id, auto_delete: false });

    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    p.sandbox.mutate({ api: "hcloud", kind: "server", id: servers[0]!.id as number, set: { labels: { "hearth/role": "ingress", drift: "yes" } } });
    const drift = await p.pulumi(["preview", "--refresh", "--expect-no-changes", "--diff"]);
    expect(drift.code, drift.output).not.toBe(0);
    expect(drift.output).toContain("drift");
    ok(await p.pulumi(["up", "--refresh", "--yes", "--skip-preview"]));
    expect(Object.values(p.sandbox.inspect().hcloud.servers)[0]!.labels).toEqual({ "hearth/role": "ingress" });

    ok(await p.pulumi(["refresh", "--yes", "--skip-preview"]));
    ok(await p.pulumi(["preview", "--expect-no-changes"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
    // The provider read its credentials from the environment: none of them is in the state.
    expect(p.stateText()).not.toContain(p.sandbox.hcloud.token);
  });

  it("runs @hearth/hcloud components: up, no-change preview, destroy leaves nothing", async () => {
    project = await SandboxProject.create("hcloud-hearth", hearthProgram, { hcloud: { actionMs: 50 } });
    const p = project;
    const up = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(up);
    expect(up.output).toMatch(/privateIp\s*: "10.20.1.10"/);
    const state = p.sandbox.inspect().hcloud;
    // The contract's instanceId is the server's id; the server joined the network after its subnet existed.
    expect(up.output).toMatch(new RegExp(`instanceId\\s*: "${Object.values(state.servers)[0]!.id}"`));
    expect(Object.values(state.servers)[0]).toMatchObject({ server_type: { name: "cx23" }, backup_window: "22-02" });
    expect(Object.values(state.networks)[0]).toMatchObject({ ip_range: "10.20.0.0/16", subnets: [expect.objectContaining({ ip_range: "10.20.1.0/24" })] });
    const rules = Object.values(state.firewalls)[0]!.rules as { port: string; source_ips: string[] }[];
    expect(rules).toContainEqual(expect.objectContaining({ port: "22", source_ips: ["198.51.100.0/24"] }));
    expect(rules).toContainEqual(expect.objectContaining({ port: "443", source_ips: expect.arrayContaining(["0.0.0.0/0"]) }));

    ok(await p.pulumi(["preview", "--expect-no-changes"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
  });

  it("GatewayNode: a primary IP by location without assignee warnings, kept when the server is replaced", async () => {
    project = await SandboxProject.create("hcloud-gateway", gatewayProgram([443]), { hcloud: { actionMs: 20 } });
    const p = project;
    const up = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(up);
    expect(up.output).not.toMatch(/assigneeType|datacenter/);
    const before = p.sandbox.inspect().hcloud;
    const [server] = Object.values(before.servers);
    const [ip] = Object.values(before.primaryIps).filter((i) => i.type === "ipv4");
    expect(ip).toMatchObject({ name: "ingress-fsn1-ipv4", auto_delete: false, assignee_id: server!.id, location: { name: "fsn1" } });
    expect(up.output).toContain(`ip: "${ip!.ip}"`);
    const preview = await p.pulumi(["preview", "--expect-no-changes"]);
    ok(preview);
    expect(preview.output).not.toContain("warning");

    // New ports, new user data: the server is replaced, delete first; the address stays.
    writeFileSync(join(p.dir, "index.js"), gatewayProgram([443, 80]));
    const replace = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(replace);
    expect(replace.output).toMatch(/hcloud:index:Server ingress-fsn1 .*replaced/);
    const after = p.sandbox.inspect().hcloud;
    const [newServer] = Object.values(after.servers);
    expect(newServer!.id).not.toBe(server!.id);
    expect(Object.values(after.primaryIps).filter((i) => i.type === "ipv4")).toEqual([
      expect.objectContaining({ id: ip!.id, ip: ip!.ip, assignee_id: newServer!.id, auto_delete: false }),
    ]);
    ok(await p.pulumi(["preview", "--refresh", "--expect-no-changes"]));
    ok(await p.pulumi(["refresh", "--yes", "--skip-preview"]));

    // A new location replaces the IP too. Its name is fixed and an assigned IP cannot be
    // deleted (2026): the server goes first, then the IP, then both are created anew.
    writeFileSync(join(p.dir, "index.js"), gatewayProgram([443, 80], "nbg1"));
    const moved = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(moved);
    const last = p.sandbox.inspect().hcloud;
    const [movedServer] = Object.values(last.servers);
    expect(movedServer).toMatchObject({ location: { name: "nbg1" } });
    expect(Object.values(last.primaryIps).filter((i) => i.type === "ipv4")).toEqual([
      expect.objectContaining({ name: "ingress-fsn1-ipv4", assignee_id: movedServer!.id, location: expect.objectContaining({ name: "nbg1" }) }),
    ]);

    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
    expect(p.stateText()).not.toContain(gatewaySeed);
    expect(p.stateText()).not.toContain(deriveWireguardPrivateKey(gatewaySeed, "ingress-fsn1"));
  });

  it("with injected retryable and fatal statuses, up completes or fails clearly; a clean up and destroy then leave nothing", async () => {
    // 409, 429, 502 and 504 are retried by hcloud-go itself (client_handler_retry.go); 423, 500
    // and 503 reach the provider, which fails the resource with the API's message.
    const faults = { errorRate: 0.2, seed: 7, errorStatuses: [409, 423, 429, 500, 502, 503, 504] };
    project = await SandboxProject.create("hcloud-faults", rawProgram, { hcloud: { actionMs: 20 }, faults });
    const p = project;
    const faulty = await p.pulumi(["up", "--yes", "--skip-preview"]);
    if (faulty.code !== 0) expect(faulty.output).toMatch(/injected fault: /);
    expect(p.sandbox.inspect().faults.errors).toBeGreaterThan(0);

    p.sandbox.setFaults({});
    ok(await p.pulumi(["up", "--refresh", "--yes", "--skip-preview"]));
    ok(await p.pulumi(["preview", "--expect-no-changes"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
  });
});

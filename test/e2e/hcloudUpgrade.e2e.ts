import { afterEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildPackagesAt, SandboxProject } from "./harness.js";

// The last commit of main whose @hearth/hcloud took objects (`networks: [{ network, ip }]`,
// `firewallGroups: [web]`, `template`, a BackupPolicy component). This test upgrades a real
// stack from that code to the workspace's contract args and shows what docs/MIGRATING.md
// promises: every Hetzner resource stays as it is, and only the BackupPolicy component (which
// held no resource) leaves the state.
const before = "b9e4189";
const packages = ["core", "kit", "hcloud"];

/** The old @hearth/core, kit and hcloud, built by {@link buildPackagesAt}; returns their folder. */
const buildAt = (commit: string): string => buildPackagesAt(commit, packages, "hcloud");

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@laptop";
const rules = `[rule.allowIn({ protocol: "tcp", ports: [80, 443] }), rule.allowIn({ protocol: "tcp", ports: [22], from: ["198.51.100.0/24"] })]`;

const oldProgram = (dir: string): string => `
const { rule } = require(${JSON.stringify(join(dir, "packages/core/dist/index.cjs"))});
const h = require(${JSON.stringify(join(dir, "packages/hcloud/dist/index.cjs"))});
const lab = new h.Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24" });
const web = new h.FirewallGroup("web", { rules: ${rules} });
const vm = new h.VmFromTemplate("web-1", {
  location: "fsn1", template: "debian-12", size: "medium",
  networks: [{ network: lab, ip: "10.20.1.10" }], firewallGroups: [web],
  sshKeys: ["${key}"], cloudInit: { user: "ops", sshKeys: ["${key}"] }, labels: { env: "lab" },
  backups: new h.BackupPolicy("daily"),
});
exports.ip = vm.ipv4Address;
`;

const newProgram = `
const { rule } = require("@hearth/core");
const h = require("@hearth/hcloud");
const lab = new h.Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24" });
const web = new h.FirewallGroup("web", { rules: ${rules} });
const vm = new h.VmFromTemplate("web-1", {
  location: "fsn1", image: "debian-12", size: "medium",
  networks: [{ networkId: lab.networkId, ipv4Address: "10.20.1.10" }], firewallGroups: [web.groupId],
  sshKeys: ["${key}"], cloudInit: { user: "ops", sshKeys: ["${key}"] }, labels: { env: "lab" },
  backups: { schedule: "daily" },
});
exports.ip = vm.ipv4Address;
`;

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);

describe("@hearth/hcloud upgrade to the contract args: the engine keeps every Hetzner resource", () => {
  it(`from ${before}'s components to the workspace's`, async () => {
    const old = buildAt(before);
    project = await SandboxProject.create("hcloud-upgrade", oldProgram(old), { hcloud: { actionMs: 20 } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const was = p.sandbox.inspect().hcloud;

    writeFileSync(join(p.dir, "index.js"), newProgram);
    const preview = await p.pulumi(["preview", "--json", "--show-sames"]);
    ok(preview);
    const steps = ((JSON.parse(preview.output.slice(preview.output.indexOf("{"))) as { steps?: { op: string; urn: string; detailedDiff?: Record<string, unknown> }[] }).steps ?? []).map(
      (s) => ({ op: s.op, type: s.urn.split("::")[2]!.split("$").pop()!, name: s.urn.split("::")[3]!, paths: Object.keys(s.detailedDiff ?? {}) }),
    );
    // Every Hetzner resource, and every component that remains, is the same: no input changed.
    expect(steps.filter((s) => s.op !== "same").map((s) => [s.op, s.type, s.name])).toEqual([["delete", "hearth:hcloud:BackupPolicy", "daily"]]);
    expect(steps.filter((s) => s.type.startsWith("hcloud:")).map((s) => s.type).sort()).toEqual([
      "hcloud:index/firewall:Firewall",
      "hcloud:index/network:Network",
      "hcloud:index/networkSubnet:NetworkSubnet",
      "hcloud:index/server:Server",
      "hcloud:index/sshKey:SshKey",
    ]);

    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const now = p.sandbox.inspect().hcloud;
    const ids = (state: typeof was) => [state.servers, state.networks, state.firewalls, state.sshKeys].map((m) => Object.values(m).map((r) => (r as { id: number }).id));
    expect(ids(now)).toEqual(ids(was));
    ok(await p.pulumi(["preview", "--expect-no-changes"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
  }, 600_000);
});

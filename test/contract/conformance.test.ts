// The contract's promise, tested: one program's literals, written once against @hearth/core's
// contract types, compile against all three provider packages and run on each under Pulumi's
// mocks. A program moves between home and cloud by changing its import and its provider-specific
// values only (docs/contract.md shows the diff).
import { beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { rule, type ArgsConform, type BackupPolicy, type FirewallGroupArgs, type FirewallRule, type VmArgs, type VmOutputs } from "@hearth/core";
import type { Outputs } from "@hearth/kit";
import { installMocks, outputOf, presets, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import * as pve from "@hearth/proxmox";
import * as hcloud from "@hearth/hcloud";
import * as digitalocean from "@hearth/digitalocean";

installMocks({ answers: [presets.proxmox, presets.hcloud, presets.digitalocean] });
beforeEach(resetMocks);

// Compile time: each provider's args take every value the contract allows, under its names.
const conforms: [
  ArgsConform<VmArgs, pve.VmFromTemplateArgs>,
  ArgsConform<VmArgs, hcloud.VmFromTemplateArgs>,
  ArgsConform<VmArgs, digitalocean.VmFromTemplateArgs>,
  ArgsConform<FirewallGroupArgs, pve.FirewallGroupArgs>,
  ArgsConform<FirewallGroupArgs, hcloud.FirewallGroupArgs>,
  ArgsConform<FirewallGroupArgs, digitalocean.FirewallGroupArgs>,
] = [true, true, true, true, true, true];
// ... and each class reports the contract's outputs.
type Reports<C> = C extends Outputs<VmOutputs> ? true : false;
const outputs: [Reports<pve.VmFromTemplate>, Reports<hcloud.VmFromTemplate>, Reports<digitalocean.VmFromTemplate>] = [true, true, true];

// The shared literals: written once, typed by the contract alone.
const rules: FirewallRule[] = [
  rule.allowIn({ protocol: "tcp", ports: [80, 443] }),
  rule.allowIn({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24"] }),
];
const nightly: BackupPolicy = { schedule: "daily", retention: { keepDaily: 7 } };
const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthContractTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@laptop";
const web = (networkId: pulumi.Input<string>, groupId: pulumi.Input<string>) =>
  ({
    hostname: "web-1",
    size: "medium",
    networks: [{ networkId: networkId as string }],
    firewallGroups: [groupId as string],
    cloudInit: { user: "ops", sshKeys: [sshKey] },
    labels: { app: "web" },
    backups: nightly,
  }) satisfies VmArgs;

/** Builds the same program on one provider: a network, a firewall group and a VM on both. */
const programs = {
  proxmox: () => {
    const lan = new pve.Network("lan", { bridge: { node: "pve1", name: "vmbr1" } });
    const fw = new pve.FirewallGroup("web", { rules });
    return new pve.VmFromTemplate("web-1", { ...web(lan.networkId, fw.groupId), node: "pve1", template: { vmId: 9000, diskSizeGb: 10 } });
  },
  hcloud: () => {
    const lan = new hcloud.Network("lan", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24" });
    const fw = new hcloud.FirewallGroup("web", { rules });
    return new hcloud.VmFromTemplate("web-1", { ...web(lan.networkId, fw.groupId), location: "fsn1", image: "debian-12" });
  },
  digitalocean: () => {
    const lan = new digitalocean.Network("lan", { region: "fra1", cidr: "10.20.0.0/16" });
    const fw = new digitalocean.FirewallGroup("web", { rules });
    return new digitalocean.VmFromTemplate("web-1", { ...web(lan.networkId, fw.groupId), region: "fra1", image: "debian-12-x64" });
  },
};

describe("the contract: one program on every provider", () => {
  it("type-checks against all three packages", () => {
    expect(conforms.every(Boolean) && outputs.every(Boolean)).toBe(true);
  });

  it.each(Object.keys(programs) as (keyof typeof programs)[])("%s: registers, and reports the contract's outputs", async (provider) => {
    const vm = programs[provider]();
    expect(await outputOf(vm.hostname)).toBe("web-1");
    expect(await outputOf(vm.instanceId)).toMatch(/^\d+$/);
    expect(await outputOf(vm.labels)).toMatchObject({ app: "web" });
    // Every provider turned the shared backup policy into what it has.
    await settle();
    const backedUp = {
      proxmox: () => recordedOf("proxmoxve:backup/job:Job").some((job) => job.inputs.schedule === "daily"),
      hcloud: () => recordedOf("hcloud:index/server:Server")[0]?.inputs.backups === true,
      digitalocean: () => recordedOf("digitalocean:index/droplet:Droplet")[0]?.inputs.backups === true,
    }[provider];
    expect(backedUp()).toBe(true);
  });

  it.each(Object.keys(programs) as (keyof typeof programs)[])("%s: refuses the same broken literal with every problem at once", async (provider) => {
    const broken = { hostname: "not a host", size: "huge", labels: { "hearth/role": "x" } } as unknown as VmArgs;
    const make = {
      proxmox: () => new pve.VmFromTemplate("bad", { ...broken, node: "pve1", template: { vmId: 9000, diskSizeGb: 10 } }),
      hcloud: () => new hcloud.VmFromTemplate("bad", { ...broken, location: "fsn1" }),
      digitalocean: () => new digitalocean.VmFromTemplate("bad", { ...broken, region: "fra1" }),
    }[provider];
    let error: unknown;
    try {
      make();
    } catch (e) {
      error = e;
    }
    expect((error as { problems?: { field: string }[] }).problems?.map((p) => p.field)).toEqual(expect.arrayContaining(["hostname", "size", "labels.hearth/role"]));
  });
});

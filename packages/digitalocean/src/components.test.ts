import { beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HearthValidationError, rule } from "@hearth/core";
import { captureChildren as parentRecorder, installMocks, outputOf as value, presets, recordedOf as byType, resetMocks as reset, settle } from "@hearth/kit/testing";
import { BackupPolicy } from "./backupPolicy.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network } from "./network.js";
import { openOutbound } from "./rules.js";
import { VmFromTemplate } from "./vmFromTemplate.js";

installMocks({ answers: presets.digitalocean });

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a ops@laptop";

beforeEach(reset);

describe("digitalocean VmFromTemplate", () => {
  it("creates a droplet with size, image, tags, keys, user data, VPC, firewall tag and backup policy", async () => {
    const vpc = new Network("lab", { region: "ams3", cidr: "10.30.0.0/20" });
    const fw = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    const nightly = new BackupPolicy("nightly", { schedule: "*-*-* 04:00" });
    const { transformations, parents } = parentRecorder();
    const vm = new VmFromTemplate(
      "web-1",
      {
        region: "ams3",
        size: "medium",
        sshKeys: [key, 12345, "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"],
        cloudInit: { user: "ops", sshKeys: [key] },
        networks: [{ network: vpc }],
        firewallGroups: [fw, "legacy-fw"],
        labels: { env: "lab" },
        backups: nightly,
      },
      { transformations },
    );
    await value(vm.dropletId);
    await settle();
    const [droplet] = byType("digitalocean:index/droplet:Droplet");
    const inputs = droplet!.inputs;
    expect(droplet!.name).toBe("web-1");
    expect(inputs).toMatchObject({
      name: "web-1",
      region: "ams3",
      size: "s-2vcpu-4gb",
      image: "debian-12-x64",
      backups: true,
      backupPolicy: { plan: "daily", hour: 4 },
      vpcUuid: await value(vpc.vpcUuid),
    });
    expect(inputs.tags).toEqual([
      "env-lab",
      "hearth-component-vmfromtemplate",
      "hearth-fw-web",
      "hearth-managed-by-hearth",
      "hearth-stack-test",
      "legacy-fw",
    ]);
    expect(inputs.sshKeys).toHaveLength(3);
    expect(inputs.sshKeys.slice(1)).toEqual(["12345", "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"]);
    expect(byType("digitalocean:index/sshKey:SshKey")[0]).toMatchObject({ name: "web-1-ssh-0", inputs: { publicKey: key } });
    expect(parse(inputs.userData).users[1]).toMatchObject({ name: "ops", ssh_authorized_keys: [key] });
    expect(parents.get("digitalocean:index/droplet:Droplet::web-1")).toBe(vm);
    expect(parents.get("digitalocean:index/sshKey:SshKey::web-1-ssh-0")).toBe(vm);
  });

  it("defaults to no backups and no user data, and takes a snapshot id", async () => {
    const vm = new VmFromTemplate("db", { region: "fra1", size: "s-1vcpu-1gb", template: 987654 });
    await value(vm.dropletId);
    const droplet = byType("digitalocean:index/droplet:Droplet")[0]!;
    expect(droplet.inputs).toMatchObject({ image: "987654", backups: false });
    expect(droplet.inputs.backupPolicy).toBeUndefined();
    expect(droplet.inputs.userData).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["a Hetzner location", { region: "fsn1" }, /region "fsn1".*"nyc1"/],
    ["a Hetzner server type", { size: "cx22" }, /size "cx22".*s-1vcpu-1gb/],
    ["two VPCs", { networks: [{ network: "a" }, { network: "b" }] }, /at most one VPC/],
    ["a fixed VPC address", { networks: [{ network: "a", ip: "10.0.0.5" }] }, /assigns VPC addresses itself/],
    ["a bad firewall tag", { firewallGroups: ["no spaces allowed"] }, /firewallGroups\[0\]/],
    ["a bad template", { template: "Debian 12" }, /image slug/],
  ])("refuses %s before creating anything", (_, patch, message) => {
    const make = () => new VmFromTemplate("bad", { region: "ams3", size: "small", ...patch } as never);
    expect(make).toThrow(HearthValidationError);
    expect(make).toThrow(message);
  });
});

describe("digitalocean Network", () => {
  it("creates a VPC in the region", async () => {
    const vpc = new Network("lab", { region: "nyc3", cidr: "10.40.0.0/24" });
    await value(vpc.vpcUuid);
    expect(byType("digitalocean:index/vpc:Vpc")[0]).toMatchObject({ name: "lab", inputs: { name: "lab", region: "nyc3", ipRange: "10.40.0.0/24" } });
  });
  it.each<[object, RegExp]>([
    [{ region: "nyc2" }, /region "nyc2"/],
    [{ region: "nyc3", cidr: "10.0.0.0/8" }, /\/16 to \/28/],
    [{ region: "nyc3", cidr: "fd00::/64" }, /IPv4 only/],
  ])("refuses %j", (args, message) => {
    expect(() => new Network("bad", args as never)).toThrow(message);
  });
});

describe("digitalocean FirewallGroup", () => {
  it("creates a tag and a firewall applying to it, with translated rules and open outbound", async () => {
    const { transformations, parents } = parentRecorder();
    const fw = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [80, 443] })] }, { transformations });
    await value(fw.firewallId);
    await settle();
    expect(byType("digitalocean:index/tag:Tag")[0]).toMatchObject({ name: "web-tag", inputs: { name: "hearth-fw-web" } });
    const firewall = byType("digitalocean:index/firewall:Firewall")[0]!;
    expect(firewall.inputs).toMatchObject({
      name: "web",
      tags: ["hearth-fw-web"],
      inboundRules: [
        { protocol: "tcp", portRange: "80", sourceAddresses: ["0.0.0.0/0", "::/0"] },
        { protocol: "tcp", portRange: "443", sourceAddresses: ["0.0.0.0/0", "::/0"] },
      ],
      outboundRules: openOutbound,
    });
    expect(parents.get("digitalocean:index/firewall:Firewall::web")).toBe(fw);
  });

  it("refuses rules DigitalOcean cannot express", () => {
    expect(() => new FirewallGroup("deny", { rules: [rule.dropIn({ protocol: "tcp", ports: [25] })] })).toThrow(/allow-lists/);
  });
});

describe("digitalocean BackupPolicy", () => {
  it("maps a calendar event and keeps DigitalOcean's retention", () => {
    const policy = new BackupPolicy("weekly", { schedule: "sat 16:00", retention: { keepWeekly: 4 } });
    expect(policy.policy).toEqual({ plan: "weekly", hour: 16, weekday: "SAT" });
    expect(policy.retention).toEqual({ keepWeekly: 4 });
  });
  it("refuses what DigitalOcean cannot run", () => {
    expect(() => new BackupPolicy("odd", { schedule: "*-*-* 02:00" })).toThrow(/BackupPolicy "odd": schedule/);
    expect(() => new BackupPolicy("long", { schedule: "daily", retention: { keepDaily: 30 } })).toThrow(/keeps 7 daily backups/);
  });
});

describe("digitalocean VmFromTemplate host name", () => {
  it("refuses a bad host name", () => {
    expect(() => new VmFromTemplate("bad", { region: "ams3", hostname: "Web_1" })).toThrow(/hostname "Web_1"/);
  });
});

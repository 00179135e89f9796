import { beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import fc from "fast-check";
import { HearthValidationError, rule, type ArgsConform, type FirewallGroupArgs as ContractFirewallGroupArgs, type VmArgs } from "@hearth/core";
import { installMocks, presets, recordedOf as byType, captureChildren as parentRecorder, resetMocks as reset, settle, outputOf as value, expectRefused } from "@hearth/kit/testing";
import { FirewallGroup, type FirewallGroupArgs } from "./firewallGroup.js";
import { Network } from "./network.js";
import { openOutbound } from "./rules.js";
import { VmFromTemplate, type VmFromTemplateArgs } from "./vmFromTemplate.js";

installMocks({ answers: presets.digitalocean });

// Compile-time: every contract value is accepted under the contract's names.
const conforms: ArgsConform<VmArgs, VmFromTemplateArgs> = true;

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a ops@laptop";

// Compile-time: the provider's args take the contract's firewall group args.
const firewallConforms: ArgsConform<ContractFirewallGroupArgs, FirewallGroupArgs> = true;

beforeEach(reset);

describe("digitalocean VmFromTemplate", () => {
  it("creates a droplet with size, image, tags, keys, user data, VPC, firewall tag and backup policy", async () => {
    const vpc = new Network("lab", { region: "ams3", cidr: "10.30.0.0/20" });
    const fw = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    const { transformations, parents } = parentRecorder();
    const vm = new VmFromTemplate(
      "web-1",
      {
        region: "ams3",
        size: "medium",
        sshKeys: [key, "12345", "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"],
        cloudInit: { user: "ops", sshKeys: [key] },
        networks: [{ networkId: vpc.networkId }],
        firewallGroups: [fw.groupId, "legacy-fw"],
        labels: { env: "lab" },
        backups: { schedule: "*-*-* 04:00" },
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
      vpcUuid: await value(vpc.networkId),
    });
    expect(conforms).toBe(true);
    expect(await value(vm.instanceId)).toBe(String(await value(vm.dropletId)));
    expect(await value(vm.hostname)).toBe("web-1");
    expect(await value(vm.labels)).toEqual({ env: "lab", "hearth/component": "VmFromTemplate", "hearth/managed-by": "hearth", "hearth/stack": "test" });
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
    const vm = new VmFromTemplate("db", { region: "fra1", dropletSize: "s-1vcpu-1gb", image: "987654" });
    await value(vm.dropletId);
    const droplet = byType("digitalocean:index/droplet:Droplet")[0]!;
    expect(droplet.inputs).toMatchObject({ image: "987654", backups: false });
    expect(droplet.inputs.backupPolicy).toBeUndefined();
    expect(droplet.inputs.userData).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["a Hetzner location", { region: "fsn1" }, /region "fsn1".*"nyc1"/],
    ["a Hetzner server type", { size: undefined, dropletSize: "cx22" }, /dropletSize "cx22".*s-1vcpu-1gb/],
    ["a size next to a droplet size", { dropletSize: "s-1vcpu-1gb" }, /dropletSize "s-1vcpu-1gb".*not both/],
    ["two VPCs", { networks: [{ networkId: "a" }, { networkId: "b" }] }, /at most one VPC/],
    ["a fixed VPC address", { networks: [{ networkId: "a", ipv4Address: "10.0.0.5" }] }, /assigns VPC addresses itself/],
    ["a bad firewall tag", { firewallGroups: ["no spaces allowed"] }, /firewallGroups\[0\]/],
    ["a bad image", { image: "Debian 12" }, /image slug/],
    ["a schedule DigitalOcean cannot run", { backups: { schedule: "*-*-* 02:00" } }, /backups.schedule "\*-\*-\* 02:00".*DigitalOcean backs up daily or weekly/],
    ["a retention DigitalOcean does not keep", { backups: { schedule: "sun 20:00", retention: { keepDaily: 7 } } }, /backups.retention .*4 weekly backups/],
  ])("refuses %s before creating anything", async (_, patch, message) => {
    const error = await expectRefused(() => new VmFromTemplate("bad", { region: "ams3", size: "small", ...patch } as never), message);
    expect(error).toBeInstanceOf(HearthValidationError);
  });

  it("maps the contract's backup value to a droplet backup policy", async () => {
    new VmFromTemplate("b1", { region: "ams3", backups: {} });
    new VmFromTemplate("b2", { region: "ams3", backups: { schedule: "sat 16:00", retention: { keepWeekly: 4 } } });
    await settle();
    const [b1, b2] = byType("digitalocean:index/droplet:Droplet");
    expect(b1!.inputs).toMatchObject({ backups: true, backupPolicy: { plan: "daily", hour: 0 } });
    expect(b2!.inputs).toMatchObject({ backups: true, backupPolicy: { plan: "weekly", hour: 16, weekday: "SAT" } });
  });

  it("protects the droplet in Pulumi when deleteProtection is asked for (DigitalOcean has none)", async () => {
    const { transformations, options } = parentRecorder();
    new VmFromTemplate("kept", { region: "ams3", deleteProtection: true }, { transformations });
    new VmFromTemplate("free", { region: "ams3" }, { transformations });
    await settle();
    expect(options.get("digitalocean:index/droplet:Droplet::kept")?.protect).toBe(true);
    expect(options.get("digitalocean:index/droplet:Droplet::free")?.protect).toBeUndefined();
  });

  it("reports every problem at once, each field once", async () => {
    const error = await expectRefused(() =>
      new VmFromTemplate("bad", {
        region: "fsn1" as never,
        hostname: "Web_1",
        size: "huge" as never,
        image: "Debian 12",
        firewallGroups: ["bad tag"],
        networks: [{ networkId: "vpc", ipv4Address: "10.0.0.5" }],
        labels: { "hearth/role": "x" },
        tags: ["has space"],
        backups: { schedule: "*-*-* 02:00" },
      }),
    );
    expect(error.problems.map((p) => p.field).sort()).toEqual(
      ["backups.schedule", "firewallGroups[0]", "hostname", "image", "labels.hearth/role", "networks[0].ipv4Address", "region", "size", "tags[0]"].sort(),
    );
  });

  it("reports exactly as many problems as broken fields, generated", async () => {
    const broken: Record<string, unknown> = {
      region: "fsn1",
      hostname: "-web",
      size: "tiny",
      image: "../x",
      firewallGroups: ["bad tag"],
      networks: [{ networkId: "" }],
      sshKeys: [" "],
      labels: { "hearth/stack": "prod" },
      backups: { schedule: "*-*-* 04:30" },
      deleteProtection: 1,
    };
    const keys = Object.keys(broken);
    await fc.assert(
      fc.asyncProperty(fc.subarray(keys, { minLength: 1 }), async (chosen) => {
        const args = { region: "ams3", ...Object.fromEntries(chosen.map((k) => [k, broken[k]])) };
        const error = await expectRefused(() => new VmFromTemplate("gen", args as never));
        expect(error.problems).toHaveLength(chosen.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe("digitalocean Network", () => {
  it("creates a VPC in the region", async () => {
    const vpc = new Network("lab", { region: "nyc3", cidr: "10.40.0.0/24" });
    expect(await value(vpc.networkId)).toBe(await value(vpc.vpcUuid));
    expect(await value(vpc.cidr)).toBe("10.40.0.0/24");
    expect(byType("digitalocean:index/vpc:Vpc")[0]).toMatchObject({ name: "lab", inputs: { name: "lab", region: "nyc3", ipRange: "10.40.0.0/24" } });
  });
  it("reports every problem of its args at once", () => {
    expect(() => new Network("bad", { name: "", region: "nyc2" as never, cidr: "10.0.0.0/8" })).toThrow(/^Network "bad": 3 problems:\n.*name.*\n.*region "nyc2".*\n.*cidr "10.0.0.0\/8"/);
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
    expect(firewallConforms).toBe(true);
    const fw = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [80, 443] })] }, { transformations });
    expect(await value(fw.groupId)).toBe("hearth-fw-web");
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
    expect(() => new FirewallGroup("both", { name: "Bad_Name", rules: [rule.dropIn({ protocol: "tcp", ports: [25] }), rule.allowIn({ protocol: "icmpv6" })] })).toThrow(
      /^FirewallGroup "both": 2 problems:\n.*name "Bad_Name".*\n.*rules\[0\].action.*allow-lists/,
    );
  });
});

describe("digitalocean VmFromTemplate host name", () => {
  it("refuses a bad host name", () => {
    expect(() => new VmFromTemplate("bad", { region: "ams3", hostname: "Web_1" })).toThrow(/hostname "Web_1"/);
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { parse } from "yaml";
import { HearthValidationError, rule, type ArgsConform, type VmArgs } from "@hearth/core";
import { byName, byType, created, parentRecorder, reset, settle, value } from "../../../test/support/cloudMocks.js";
import { expectRefused, lateErrors } from "../../../test/support/refused.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network } from "./network.js";
import { VmFromTemplate, type VmFromTemplateArgs } from "./vmFromTemplate.js";

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a ops@laptop";

// Compile-time: every contract value is accepted under the contract's names.
const conforms: ArgsConform<VmArgs, VmFromTemplateArgs> = true;

beforeEach(reset);

describe("hcloud VmFromTemplate", () => {
  it("creates a server with size, image, labels, keys, user data, firewalls, networks and backups", async () => {
    expect(conforms).toBe(true);
    const net = new Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24" });
    const fw = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    const { transformations, parents } = parentRecorder();
    const vm = new VmFromTemplate(
      "web-1",
      {
        location: "fsn1",
        size: "medium",
        sshKeys: [key, "4711", "ops-laptop"],
        cloudInit: { user: "ops", sshKeys: [key] },
        firewallGroups: [fw.groupId, "99"],
        networks: [{ networkId: net.networkId, ipv4Address: "10.20.1.10" }, { networkId: "1234" }],
        labels: { env: "lab" },
        backups: { retention: { keepDaily: 7 } },
      },
      { transformations },
    );
    await value(vm.serverId);
    await settle();

    const [server] = byType("hcloud:index/server:Server");
    expect(server).toBeDefined();
    const inputs = server!.inputs;
    expect(server!.name).toBe("web-1");
    expect(inputs).toMatchObject({ name: "web-1", location: "fsn1", serverType: "cx23", image: "debian-12", backups: true, deleteProtection: false });
    const labels = { "hearth/component": "VmFromTemplate", "hearth/managed-by": "hearth", "hearth/stack": "test", env: "lab" };
    expect(inputs.labels).toEqual(labels);
    const [sshKey] = byType("hcloud:index/sshKey:SshKey");
    expect(sshKey).toMatchObject({ name: "web-1-ssh-0", inputs: { name: "web-1-ssh-0", publicKey: key } });
    expect(inputs.sshKeys).toHaveLength(3);
    expect(inputs.sshKeys.slice(1)).toEqual(["4711", "ops-laptop"]);
    expect(inputs.firewallIds).toEqual([Number(await value(fw.groupId)), 99]);
    expect(inputs.networks).toEqual([
      { networkId: Number(await value(net.networkId)), ip: "10.20.1.10", aliasIps: [] },
      { networkId: 1234, aliasIps: [] },
    ]);
    const doc = parse(inputs.userData);
    expect(doc.hostname).toBe("web-1");
    expect(doc.users[1]).toMatchObject({ name: "ops", ssh_authorized_keys: [key] });

    expect(parents.get("hcloud:index/server:Server::web-1")).toBe(vm);
    expect(parents.get("hcloud:index/sshKey:SshKey::web-1-ssh-0")).toBe(vm);
    // The contract's outputs.
    expect(await value(vm.ipv4Address)).toMatch(/^203\.0\.113\./);
    expect(await value(vm.instanceId)).toBe(String(await value(vm.serverId)));
    expect(await value(vm.hostname)).toBe("web-1");
    expect(await value(vm.labels)).toEqual(labels);
  });

  it("defaults to no backups, no user data and debian-12, and takes a snapshot id and a server type", async () => {
    const vm = new VmFromTemplate("db", { location: "hel1", serverType: "cpx31", image: "123456" });
    await value(vm.serverId);
    expect(byName("db").map((r) => r.type)).toEqual(["hearth:hcloud:VmFromTemplate", "hcloud:index/server:Server"]);
    const inputs = byName("db")[1]!.inputs;
    expect(inputs).toMatchObject({ serverType: "cpx31", image: "123456", backups: false });
    expect(inputs.userData).toBeUndefined();
    expect(vm.serverType).toBe("cpx31");
  });

  it("maps cores and memory to the smallest type that fits, and refuses more than the largest mapped type", () => {
    expect(new VmFromTemplate("c1", { location: "fsn1", cores: 3, memoryMb: 4096 }).serverType).toBe("cx33");
    expect(() => new VmFromTemplate("c2", { location: "fsn1", cores: 16, memoryMb: 4096 })).toThrow(/cores \{"cores":16,"memoryMb":4096\}.*serverType/);
  });

  it("takes the contract's backup value only as Hetzner honours it", () => {
    expect(() => new VmFromTemplate("b1", { location: "fsn1", backups: {} })).not.toThrow();
    expect(() => new VmFromTemplate("b2", { location: "fsn1", backups: { schedule: "daily", retention: { keepLast: 7 } } })).not.toThrow();
    expect(() => new VmFromTemplate("b3", { location: "fsn1", backups: { schedule: "02:00" } })).toThrow(/backups.schedule "02:00".*window Hetzner picks/);
    expect(() => new VmFromTemplate("b4", { location: "fsn1", backups: { retention: { keepDaily: 7, keepMonthly: 6 } } })).toThrow(/backups.retention .*keeps the last 7/);
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["a DigitalOcean region", { location: "ams3" }, /location "ams3".*"fsn1"/],
    ["an unknown size", { size: "s-1vcpu-1gb" }, /size "s-1vcpu-1gb".*"nano"/],
    ["an unknown server type", { size: undefined, serverType: "s-1vcpu-1gb" }, /serverType "s-1vcpu-1gb".*cx23/],
    ["a size next to a server type", { serverType: "cx23" }, /serverType "cx23".*not both/],
    ["a bad host name", { hostname: "Web_1" }, /hostname "Web_1"/],
    ["a private key", { sshKeys: ["-----BEGIN OPENSSH PRIVATE KEY-----\nabc"] }, /\[private key\]/],
    ["cloudInit and userData together", { cloudInit: { user: "ops" }, userData: "#!/bin/sh" }, /not both/],
    ["a bad image", { image: "Debian 12" }, /image name such as "debian-12"/],
    ["a bad label", { labels: { env: "lab env" } }, /labels.env/],
    ["backups as a string", { backups: "daily" }, /backups "daily"/],
    ["a firewall name instead of an id", { firewallGroups: ["web"] }, /firewallGroups\[0\] "web".*groupId/],
    ["a network name instead of an id", { networks: [{ networkId: "lab" }] }, /networks\[0\].networkId "lab"/],
  ])("refuses %s before creating anything", async (_, patch, message) => {
    const error = await expectRefused(created, () => new VmFromTemplate("bad", { location: "fsn1", size: "small", ...patch } as never), message);
    expect(error).toBeInstanceOf(HearthValidationError);
  });

  it("reports every problem at once, each field once", async () => {
    const error = await expectRefused(created, () =>
      new VmFromTemplate("bad", {
        location: "ams3" as never,
        hostname: "Web_1",
        size: "huge" as never,
        image: "Debian 12",
        firewallGroups: ["web"],
        networks: [{ networkId: "lab", ipv4Address: "10.0.0.300" }],
        labels: { "hearth/role": "x" },
        backups: { schedule: "sun 03:00" },
        deleteProtection: "yes" as never,
      }),
    );
    expect(error.problems.map((p) => p.field).sort()).toEqual(
      ["backups.schedule", "deleteProtection", "firewallGroups[0]", "hostname", "image", "labels.hearth/role", "location", "networks[0].ipv4Address", "networks[0].networkId", "size"].sort(),
    );
    expect(error.message).toMatch(/^VmFromTemplate "bad": 10 problems:\n/);
  });

  it("reports exactly as many problems as broken fields, generated", async () => {
    const broken: Record<string, unknown> = {
      location: "nyc1",
      hostname: "-web",
      size: "tiny",
      image: "../x",
      firewallGroups: ["0"],
      networks: [{ networkId: "x" }],
      sshKeys: [" "],
      labels: { "hearth/stack": "prod" },
      backups: { retention: { keepDaily: 30 } },
      deleteProtection: 1,
    };
    const keys = Object.keys(broken);
    await fc.assert(
      fc.asyncProperty(fc.subarray(keys, { minLength: 1 }), async (chosen) => {
        const args = { location: "fsn1", ...Object.fromEntries(chosen.map((k) => [k, broken[k]])) };
        const error = await expectRefused(created, () => new VmFromTemplate("gen", args as never));
        expect(error.problems).toHaveLength(chosen.length);
      }),
      { numRuns: 60 },
    );
  });

  it("never echoes a private key in its error", () => {
    const secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END OPENSSH PRIVATE KEY-----";
    expect(() => new VmFromTemplate("bad", { location: "fsn1", size: "small", sshKeys: [secret] })).not.toThrow(/c2VjcmV0LWJ5dGVz/);
  });

  it("checks an Output location when it resolves", async () => {
    const vm = new VmFromTemplate("later", { location: pulumi.output("fsn1"), size: "small" });
    expect(await value(vm.serverId)).toBeGreaterThan(0);
  });

  it("refuses an address outside the subnet of the Network it joins, when the range resolves", async () => {
    const net = new Network("lab2", { cidr: "10.50.0.0/16", subnetCidr: "10.50.1.0/24" });
    const errors = await lateErrors(async () => {
      new VmFromTemplate("outside", { location: "fsn1", networks: [{ networkId: net.networkId, ipv4Address: "10.50.2.10" }] });
      await settle();
      await settle();
    });
    expect(errors.map((e) => e.message)).toContainEqual(expect.stringMatching(/networks\[0\].ipv4Address "10.50.2.10".*subnet 10.50.1.0\/24/));
  });
});

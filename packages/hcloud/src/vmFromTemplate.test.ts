import { beforeEach, describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { HearthValidationError, rule } from "@hearth/core";
import { captureChildren as parentRecorder, installMocks, outputOf as value, presets, recordedNamed as byName, recordedOf as byType, resetMocks as reset, settle } from "@hearth/kit/testing";
import { BackupPolicy } from "./backupPolicy.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network } from "./network.js";
import { VmFromTemplate } from "./vmFromTemplate.js";

installMocks({ answers: presets.hcloud });

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a ops@laptop";

beforeEach(reset);

describe("hcloud VmFromTemplate", () => {
  it("creates a server with size, image, labels, keys, user data, firewalls, networks and backups", async () => {
    const net = new Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24" });
    const fw = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    const policy = new BackupPolicy("daily");
    const { transformations, parents } = parentRecorder();
    const vm = new VmFromTemplate(
      "web-1",
      {
        location: "fsn1",
        size: "medium",
        sshKeys: [key, 4711, "ops-laptop"],
        cloudInit: { user: "ops", sshKeys: [key] },
        firewallGroups: [fw, 99],
        networks: [{ network: net, ip: "10.20.1.10" }, { network: 1234 }],
        labels: { env: "lab" },
        backups: policy,
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
    expect(inputs.labels).toEqual({ "hearth/component": "VmFromTemplate", "hearth/managed-by": "hearth", "hearth/stack": "test", env: "lab" });
    const [sshKey] = byType("hcloud:index/sshKey:SshKey");
    expect(sshKey).toMatchObject({ name: "web-1-ssh-0", inputs: { name: "web-1-ssh-0", publicKey: key } });
    expect(inputs.sshKeys).toHaveLength(3);
    expect(inputs.sshKeys.slice(1)).toEqual(["4711", "ops-laptop"]);
    expect(inputs.firewallIds).toHaveLength(2);
    expect(inputs.firewallIds[1]).toBe(99);
    expect(inputs.networks).toEqual([
      { networkId: expect.any(Number), ip: "10.20.1.10", aliasIps: [] },
      { networkId: 1234, aliasIps: [] },
    ]);
    const doc = parse(inputs.userData);
    expect(doc.hostname).toBe("web-1");
    expect(doc.users[1]).toMatchObject({ name: "ops", ssh_authorized_keys: [key] });

    expect(parents.get("hcloud:index/server:Server::web-1")).toBe(vm);
    expect(parents.get("hcloud:index/sshKey:SshKey::web-1-ssh-0")).toBe(vm);
    expect(await value(vm.ipv4Address)).toMatch(/^203\.0\.113\./);
  });

  it("defaults to no backups, no user data and debian-12, and takes a snapshot id", async () => {
    const vm = new VmFromTemplate("db", { location: "hel1", size: "cpx31", template: 123456 });
    await value(vm.serverId);
    expect(byName("db").map((r) => r.type)).toEqual(["hearth:hcloud:VmFromTemplate", "hcloud:index/server:Server"]);
    const inputs = byName("db")[1]!.inputs;
    expect(inputs).toMatchObject({ serverType: "cpx31", image: "123456", backups: false });
    expect(inputs.userData).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["a DigitalOcean region", { location: "ams3" }, /location "ams3".*"fsn1"/],
    ["an unknown size", { size: "s-1vcpu-1gb" }, /size "s-1vcpu-1gb".*cx23/],
    ["a bad host name", { hostname: "Web_1" }, /hostname "Web_1"/],
    ["a private key", { sshKeys: ["-----BEGIN OPENSSH PRIVATE KEY-----\nabc"] }, /\[private key\]/],
    ["cloudInit and userData together", { cloudInit: { user: "ops" }, userData: "#!/bin/sh" }, /not both/],
    ["a bad template", { template: "Debian 12" }, /image name such as "debian-12"/],
    ["a bad label", { labels: { env: "lab env" } }, /labels.env/],
    ["backups as a string", { backups: "daily" }, /backups "daily"/],
  ])("refuses %s before creating anything", (_, patch, message) => {
    const make = () => new VmFromTemplate("bad", { location: "fsn1", size: "small", ...patch } as never);
    expect(make).toThrow(HearthValidationError);
    expect(make).toThrow(message);
  });

  it("never echoes a private key in its error", () => {
    const secret = "-----BEGIN OPENSSH PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END OPENSSH PRIVATE KEY-----";
    expect(() => new VmFromTemplate("bad", { location: "fsn1", size: "small", sshKeys: [secret] })).not.toThrow(/c2VjcmV0LWJ5dGVz/);
  });

  it("checks an Output location when it resolves", async () => {
    const vm = new VmFromTemplate("later", { location: pulumi.output("fsn1"), size: "small" });
    expect(await value(vm.serverId)).toBeGreaterThan(0);
  });
});

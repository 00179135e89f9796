import { describe, expect, it } from "vitest";
import { accessTypes, categoryOf, classifyChange, highAvailabilityTypes, replaceKeys, riskMatrix } from "./risk.js";
import { tokens } from "./tokens.js";

const r = (type: string, props: Record<string, unknown> = {}) => ({ type, props });

describe("risk matrix", () => {
  it.each([
    [tokens.proxmox.vm, "vm"],
    [tokens.hearth.proxmoxVm, "vm"],
    [tokens.hcloud.server, "server"],
    [tokens.digitalocean.droplet, "server"],
    [tokens.proxmox.backupJob, "backup"],
    [tokens.hcloud.primaryIp, "public-ip"],
    [tokens.digitalocean.reservedIp, "public-ip"],
    [tokens.proxmox.securityGroup, "firewall"],
    [tokens.hearth.gatewayCatalog, "catalog"],
    [tokens.hearth.gatewayNode, "gateway"],
    ["pulumi:providers:hcloud", "provider"],
    ["proxmoxve:network/linux/bridge:Bridge", "network"],
    ["random:index/randomId:RandomId", "other"],
    // The retired cloud BackupPolicy components held no resource: removing them on upgrade is no backup change.
    ["hearth:hcloud:BackupPolicy", "other"],
    ["hearth:digitalocean:BackupPolicy", "other"],
  ])("%s is a %s resource", (type, category) => {
    expect(categoryOf(type)).toBe(category);
  });

  it.each([
    ["delete a VM", r(tokens.proxmox.vm), "delete", [], "critical"],
    ["replace a public IP", r(tokens.hcloud.primaryIp), "replace", [], "critical"],
    ["delete a backup job", r(tokens.proxmox.backupJob), "delete", [], "high"],
    ["disable a backup job", r(tokens.proxmox.backupJob, { enabled: false }), "update", ["enabled"], "high"],
    ["create a server", r(tokens.hcloud.server), "create", [], "low"],
    ["change only tags", r(tokens.proxmox.vm), "update", ["tags"], "low"],
    ["resize a VM", r(tokens.proxmox.vm), "update", ["memory"], "medium"],
    ["delete a template VM", r(tokens.proxmox.vm, { template: true }), "delete", [], "high"],
    ["rotate the catalog key", r(tokens.hearth.gatewayCatalog), "update", ["keyId"], "critical"],
    ["open 443 to the world", r(tokens.digitalocean.firewall, { inboundRules: [{ protocol: "tcp", portRange: "443", sourceAddresses: ["::/0"] }] }), "update", ["inboundRules"], "high"],
    ["open SSH to the world", r(tokens.hcloud.firewall, { rules: [{ direction: "in", protocol: "tcp", port: "22", sourceIps: ["0.0.0.0/0"] }] }), "create", [], "critical"],
    ["delete a firewall", r(tokens.hcloud.firewall), "delete", [], "high"],
  ] as const)("%s is %s", (_, resource, change, changedKeys, risk) => {
    expect(classifyChange({ resource, change, changedKeys }).risk).toBe(risk);
  });

  it("has a class for every change of every category", () => {
    for (const row of Object.values(riskMatrix)) expect(Object.keys(row).sort()).toEqual(["create", "delete", "replace", "update"]);
  });

  describe("access, high availability and storage", () => {
    const role = "proxmoxve:index/roleLegacy:RoleLegacy";
    const acl = "proxmoxve:index/acl:Acl";
    const ha = "proxmoxve:index/haresource:Haresource";
    it.each([
      [role, "access"],
      [acl, "access"],
      ["proxmoxve:index/aclLegacy:AclLegacy", "access"],
      [ha, "high-availability"],
      ["proxmoxve:index/harule:Harule", "high-availability"],
      ["proxmoxve:index/replication:Replication", "high-availability"],
      ["hearth:proxmox:HighAvailability", "high-availability"],
      ["hearth:proxmox:Replication", "high-availability"],
      ["proxmoxve:storage/pbs:Pbs", "storage"],
      ["proxmoxve:storage/directoryLegacy:DirectoryLegacy", "storage"],
      ["hearth:proxmox:Storage", "storage"],
    ])("%s is a %s resource", (type, category) => {
      expect(categoryOf(type)).toBe(category);
    });

    it("the type tokens are the pinned SDK's", async () => {
      type Typed = { __pulumiType: string };
      const sdk = (await import("@muhlba91/pulumi-proxmoxve")) as unknown as Record<string, Typed> & { storage: Record<string, Typed> };
      const sdkTokens = [sdk.RoleLegacy, sdk.Acl, sdk.AclLegacy, sdk.Haresource, sdk.HaresourceLegacy, sdk.Harule, sdk.HaruleLegacy, sdk.Hagroup, sdk.HagroupLegacy, sdk.Replication, sdk.ReplicationLegacy].map((c) => c!.__pulumiType);
      expect(sdkTokens).toEqual([...accessTypes, ...highAvailabilityTypes.filter((t) => !t.startsWith("hearth:"))]);
      for (const key of Object.keys(replaceKeys).filter((t) => t.startsWith("proxmoxve:storage/"))) {
        const cls = Object.values(sdk.storage).find((c) => c.__pulumiType === key);
        expect(cls, key).toBeDefined();
      }
    });

    it.each([
      ["add an ACL", r(acl), "create", [], "high"],
      ["widen an ACL's propagation", r(acl, { propagate: true }), "update", ["propagate"], "high"],
      ["change the role on a path", r(acl), "replace", ["roleId"], "high"],
      ["add privileges to a role", r(role), "update", ["privileges"], "high"],
      ["create a role", r(role), "create", [], "medium"],
      ["remove an ACL", r(acl), "delete", [], "medium"],
      ["change a role's comment only", r(role), "update", ["comment"], "low"],
      ["make a guest highly available", r(ha, { state: "started" }), "create", [], "low"],
      ["remove HA from a guest", r(ha), "delete", [], "medium"],
      ["remove the HighAvailability component", r("hearth:proxmox:HighAvailability"), "delete", [], "medium"],
      ["set an HA resource to ignored", r(ha, { state: "ignored" }), "update", ["state"], "medium"],
      ["change replication's schedule", r("proxmoxve:index/replication:Replication"), "update", ["schedule"], "medium"],
      ["delete a storage definition", r("proxmoxve:storage/nfs:Nfs"), "delete", [], "critical"],
      ["replace a storage definition", r("proxmoxve:storage/zfspool:Zfspool"), "replace", ["zfsPool"], "critical"],
      ["delete the Storage component", r("hearth:proxmox:Storage"), "delete", [], "critical"],
      ["define a storage", r("proxmoxve:storage/pbs:Pbs"), "create", [], "medium"],
    ] as const)("%s is %s", (_, resource, change, changedKeys, risk) => {
      expect(classifyChange({ resource, change, changedKeys }).risk).toBe(risk);
    });

    it("says why in words", () => {
      expect(classifyChange({ resource: r(role), change: "update", changedKeys: ["privileges"] }).reason).toMatch(/privileges change/);
      expect(classifyChange({ resource: r(ha), change: "delete" }).reason).toMatch(/no longer recovered on another node/);
      expect(classifyChange({ resource: r("proxmoxve:storage/pbs:Pbs"), change: "delete" }).reason).toMatch(/cannot reach the disks, templates and backups/);
    });
  });
});

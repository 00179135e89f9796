import { describe, expect, it } from "vitest";
import { categoryOf, classifyChange, riskMatrix } from "./risk.js";
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
});

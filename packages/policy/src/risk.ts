import { describeAdminPort, worldOpenAdminPorts, isWorldOpen } from "@hearth/core";
import { inboundRulesOf } from "./firewallRules.js";
import { tokens } from "./tokens.js";
import { bool } from "./unknown.js";
import type { ChangeKind, ResourceView, RiskClass } from "./types.js";

/** Groups of resources that carry the same risk. */
export type RiskCategory =
  | "vm"
  | "server"
  | "backup"
  | "public-ip"
  | "firewall"
  | "network"
  | "template"
  | "gateway"
  | "catalog"
  | "provider"
  | "access"
  | "high-availability"
  | "storage"
  | "other";

/** The risk class of each kind of change to one category of resource. */
export type RiskMatrixRow = Readonly<Record<"create" | "update" | "replace" | "delete", RiskClass>>;

/** The risk matrix: the class of each kind of change, per category. Published in docs/policy.md. */
export const riskMatrix: Readonly<Record<RiskCategory, RiskMatrixRow>> = {
  vm: { create: "low", update: "medium", replace: "critical", delete: "critical" },
  server: { create: "low", update: "medium", replace: "high", delete: "high" },
  backup: { create: "low", update: "medium", replace: "high", delete: "high" },
  "public-ip": { create: "medium", update: "medium", replace: "critical", delete: "critical" },
  firewall: { create: "medium", update: "medium", replace: "medium", delete: "high" },
  network: { create: "low", update: "medium", replace: "high", delete: "high" },
  template: { create: "low", update: "low", replace: "medium", delete: "medium" },
  gateway: { create: "medium", update: "medium", replace: "high", delete: "high" },
  catalog: { create: "medium", update: "medium", replace: "critical", delete: "critical" },
  provider: { create: "low", update: "medium", replace: "high", delete: "medium" },
  // Proxmox roles and ACLs: granting (an ACL added, a role's privileges or an ACL's role, path or
  // propagation changed) can widen what someone may do; taking away is a smaller risk.
  access: { create: "high", update: "high", replace: "high", delete: "medium" },
  // HA resources and rules, replication jobs: removing HA from a guest is medium.
  "high-availability": { create: "low", update: "medium", replace: "medium", delete: "medium" },
  // Storage definitions: deleting (or replacing) one makes every disk and backup on it unreachable to Proxmox.
  storage: { create: "medium", update: "medium", replace: "critical", delete: "critical" },
  other: { create: "low", update: "low", replace: "medium", delete: "medium" },
};

/** Which category a type token falls in. */
export function categoryOf(type: string): RiskCategory {
  switch (type) {
    case tokens.proxmox.vm:
    case tokens.hearth.proxmoxVm:
      return "vm";
    case tokens.hcloud.server:
    case tokens.digitalocean.droplet:
    case "hearth:hcloud:VmFromTemplate":
    case "hearth:digitalocean:VmFromTemplate":
      return "server";
    case tokens.proxmox.backupJob:
    case tokens.hearth.proxmoxBackupJob:
    case tokens.hearth.proxmoxBackupPolicy:
      return "backup";
    // Retired components (issue 13: cloud backups are a value on the VM). They registered no
    // resource, so the one change they still see, leaving the state on upgrade, touches no backup.
    case "hearth:hcloud:BackupPolicy":
    case "hearth:digitalocean:BackupPolicy":
      return "other";
    case tokens.hcloud.primaryIp:
    case tokens.digitalocean.reservedIp:
      return "public-ip";
    case tokens.proxmox.securityGroup:
    case tokens.proxmox.firewallRules:
    case tokens.hcloud.firewall:
    case tokens.digitalocean.firewall:
    case tokens.hearth.proxmoxFirewallGroup:
    case "hearth:hcloud:FirewallGroup":
    case "hearth:digitalocean:FirewallGroup":
      return "firewall";
    case tokens.hearth.proxmoxNetwork:
    case "hearth:hcloud:Network":
    case "hearth:digitalocean:Network":
      return "network";
    case tokens.hearth.proxmoxTemplate:
      return "template";
    case tokens.hearth.gatewayNode:
      return "gateway";
    case tokens.hearth.gatewayCatalog:
      return "catalog";
  }
  if (type.startsWith("pulumi:providers:")) return "provider";
  if (accessTypes.includes(type)) return "access";
  if (highAvailabilityTypes.includes(type)) return "high-availability";
  if (type === storageComponent || /^proxmoxve:storage\/[a-z]+(Legacy)?:/.test(type)) return "storage";
  if (/^proxmoxve:(network|sdn)\//.test(type) || type === "hcloud:index/network:Network" || type === "digitalocean:index/vpc:Vpc") return "network";
  if (type === "proxmoxve:download/file:File") return "template";
  return "other";
}

/**
 * Proxmox roles and ACLs (bridged proxmoxve 8.6.0 `__pulumiType`, checked in risk.test.ts against
 * the SDK). A user or token alone grants nothing until an ACL names it.
 */
export const accessTypes: readonly string[] = ["proxmoxve:index/roleLegacy:RoleLegacy", "proxmoxve:index/acl:Acl", "proxmoxve:index/aclLegacy:AclLegacy"];
/** The role types among {@link accessTypes}: creating a role grants nothing until an ACL uses it. */
const roleTypes: readonly string[] = ["proxmoxve:index/roleLegacy:RoleLegacy"];
/** HA resources, rules and groups, replication jobs, and Hearth's components of them. */
export const highAvailabilityTypes: readonly string[] = [
  "proxmoxve:index/haresource:Haresource",
  "proxmoxve:index/haresourceLegacy:HaresourceLegacy",
  "proxmoxve:index/harule:Harule",
  "proxmoxve:index/haruleLegacy:HaruleLegacy",
  "proxmoxve:index/hagroup:Hagroup",
  "proxmoxve:index/hagroupLegacy:HagroupLegacy",
  "proxmoxve:index/replication:Replication",
  "proxmoxve:index/replicationLegacy:ReplicationLegacy",
  "hearth:proxmox:HighAvailability",
  "hearth:proxmox:Replication",
];
/** Hearth's Storage component; the provider's storage resources are every `proxmoxve:storage/*` type. */
const storageComponent = "hearth:proxmox:Storage";
/** The HA resource types, whose `state` can take a guest out of HA without deleting it. */
const haResourceTypes: readonly string[] = ["proxmoxve:index/haresource:Haresource", "proxmoxve:index/haresourceLegacy:HaresourceLegacy"];

/**
 * Top-level inputs whose change makes the provider replace the resource. The provider decides in
 * its Diff, which the pack cannot see; this table lists the well-known cases so a replace is
 * classified as one. Anything else that changes is classified as an update.
 */
export const replaceKeys: Readonly<Record<string, readonly string[]>> = {
  [tokens.proxmox.vm]: ["nodeName", "vmId", "clone", "initialization"],
  [tokens.hcloud.server]: ["image", "location", "datacenter", "sshKeys", "userData"],
  [tokens.digitalocean.droplet]: ["image", "region", "userData", "sshKeys", "vpcUuid"],
  [tokens.hcloud.primaryIp]: ["type", "datacenter", "location", "assigneeType"],
  [tokens.digitalocean.reservedIp]: ["region"],
  [tokens.proxmox.backupJob]: ["resourceId"],
  [tokens.proxmox.securityGroup]: ["name"],
  // bpg/terraform-provider-proxmox (RequiresReplace): fwprovider/access/resource_acl.go,
  // fwprovider/cluster/ha/resource_harule.go, fwprovider/cluster/replication/resource.go,
  // fwprovider/storage/schema_factory.go (`id`) and resource_{directory,nfs,cifs,zfs,lvm_thin,pbs}.go.
  "proxmoxve:index/acl:Acl": ["path", "roleId", "userId", "groupId", "tokenId"],
  "proxmoxve:index/roleLegacy:RoleLegacy": ["roleId"], // proxmoxtf/resource/role.go: role_id ForceNew
  "proxmoxve:index/harule:Harule": ["rule", "type"],
  "proxmoxve:index/replication:Replication": ["resourceId", "target", "type"],
  "proxmoxve:storage/directory:Directory": ["resourceId", "path"],
  "proxmoxve:storage/nfs:Nfs": ["resourceId", "server", "export", "preallocation", "snapshotAsVolumeChain"],
  "proxmoxve:storage/cifs:Cifs": ["resourceId", "server", "share", "username", "password", "domain", "subdirectory", "snapshotAsVolumeChain"],
  "proxmoxve:storage/zfspool:Zfspool": ["resourceId", "zfsPool"],
  "proxmoxve:storage/lvmthin:Lvmthin": ["resourceId", "volumeGroup", "thinPool"],
  "proxmoxve:storage/pbs:Pbs": ["resourceId", "server", "datastore", "username", "password", "namespace"],
};

/** Keys whose change is cosmetic: an update touching only these is low risk. */
const cosmeticKeys = new Set(["tags", "labels", "description", "comment", "notesTemplate"]);

/** Output keys of a GatewayCatalog that belong to its signing setup. */
const signingKeys = ["keyId", "signingKey", "publicKey", "trustedKeys"];

export interface Classification {
  readonly risk: RiskClass;
  readonly category: RiskCategory;
  /** Why, in words, for the message. */
  readonly reason: string;
}

export interface ChangeFacts {
  readonly resource: Pick<ResourceView, "type" | "props">;
  readonly change: Exclude<ChangeKind, "same">;
  readonly changedKeys?: readonly string[];
}

/**
 * Classifies one change. `unknown` (no baseline) is classified on the proposed state alone, as if
 * it were a create: the pack cannot tell an untouched resource from a changed one.
 */
export function classifyChange(facts: ChangeFacts): Classification {
  const { resource, change } = facts;
  const changedKeys = facts.changedKeys ?? [];
  const category = categoryOf(resource.type);
  const row = riskMatrix[category];
  const kind = change === "unknown" ? "create" : change;
  let risk = row[kind];
  let reason = `${change} of a ${category} resource`;

  if (change === "update" && changedKeys.length > 0 && changedKeys.every((k) => cosmeticKeys.has(k))) {
    risk = "low";
    reason = `only ${changedKeys.join(", ")} change`;
  }
  if (category === "firewall" && (kind === "create" || kind === "update" || kind === "replace")) {
    const rules = inboundRulesOf(resource) ?? [];
    const admin = worldOpenAdminPorts(rules);
    if (admin.length > 0) {
      risk = "critical";
      reason = `opens admin port(s) ${admin.map(describeAdminPort).join(", ")} to the whole internet`;
    } else if (rules.some(isWorldOpen)) {
      risk = higher(risk, "high");
      reason = "opens inbound traffic to the whole internet (0.0.0.0/0 or ::/0)";
    }
  }
  if (category === "backup" && (kind === "update" || kind === "create") && bool(resource.props.enabled) === false) {
    risk = higher(risk, "high");
    reason = "the backup job is disabled";
  }
  if (category === "catalog" && change === "update" && changedKeys.some((k) => signingKeys.includes(k))) {
    risk = "critical";
    reason = `the catalog signing setup changes (${changedKeys.filter((k) => signingKeys.includes(k)).join(", ")})`;
  }
  if (category === "vm" && resource.type === tokens.proxmox.vm && bool(resource.props.template) === true && (kind === "replace" || kind === "delete")) {
    risk = "high";
    reason = `${kind} of a template VM (clones made from it keep working only if they are full clones)`;
  }
  if (category === "access") {
    if (roleTypes.includes(resource.type) && kind === "create") {
      risk = "medium";
      reason = "create of a role (it grants nothing until an ACL uses it)";
    } else if (roleTypes.includes(resource.type) && kind === "update" && changedKeys.includes("privileges")) {
      // The baseline keeps hashes, so the pack cannot tell an added privilege from a removed one.
      risk = "high";
      reason = "the role's privileges change: every ACL granting this role grants them (may widen access)";
    } else if (kind === "create") reason = "an ACL is added: it grants a role on a path";
    else if (kind === "update" && changedKeys.includes("propagate")) reason = "the ACL's propagation changes (propagate widens it to every path below)";
    else if (kind === "replace" || (kind === "update" && changedKeys.some((k) => ["roleId", "path"].includes(k)))) reason = "the role an ACL grants, or the path it grants it on, changes";
  }
  if (haResourceTypes.includes(resource.type) && (kind === "update" || kind === "create") && ["disabled", "ignored"].includes(String(resource.props.state))) {
    risk = higher(risk, "medium");
    reason = `the HA resource's state is ${String(resource.props.state)}: the HA manager no longer recovers the guest when its node fails`;
  }
  if (category === "high-availability" && kind === "delete" && haResourceTypes.concat("hearth:proxmox:HighAvailability").includes(resource.type)) {
    reason = "HA is removed from a guest: it is no longer recovered on another node when its node fails";
  }
  if (category === "storage" && (kind === "delete" || kind === "replace")) {
    reason = `${kind} of a storage definition: Proxmox cannot reach the disks, templates and backups on it${kind === "replace" ? " until it is defined again" : ""}`;
  }
  if (changedKeys.length > 0 && !reason.includes(":") && reason.startsWith(change)) reason += ` (changed: ${changedKeys.join(", ")})`;
  return { risk, category, reason };
}

function higher(a: RiskClass, b: RiskClass): RiskClass {
  const order: RiskClass[] = ["low", "medium", "high", "critical"];
  return order.indexOf(a) >= order.indexOf(b) ? a : b;
}

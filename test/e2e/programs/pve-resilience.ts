// Storage definitions, HA and replication with @hearth/proxmox: a backup directory, an NFS export,
// a PBS datastore (password and fingerprint from secret config), a ZFS pool on pve1 and pve2; a VM
// cloned onto the ZFS pool, highly available with a node preference and replicated to pve2; a
// container made highly available too. Secret config: `pbsPassword`, `pbsFingerprint`; plain
// config: `followHaNode` (default true).
import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import * as pve from "@hearth/proxmox";
import { sshKey } from "./fixtures.js";

const config = new pulumi.Config();
const templateUrl = "https://images.example/debian-12-standard_12.7-1_amd64.tar.zst";

const dumps = new pve.Storage("dumps", { type: "directory", directory: { path: "/mnt/dumps" }, content: ["backup"] });
const nas = new pve.Storage("nas", { type: "nfs", nfs: { server: "nas.lan", export: "/export/pve", options: "vers=4.2" }, content: ["iso", "vztmpl"] });
const pbs = new pve.Storage("pbs", {
  type: "pbs",
  pbs: { server: "pbs.lan", datastore: "main", username: "backup@pbs", password: config.requireSecret("pbsPassword"), fingerprint: config.requireSecret("pbsFingerprint") },
});
const tank = new pve.Storage("tank", { type: "zfsPool", zfsPool: { pool: "tank/vm", thinProvision: true }, nodes: ["pve1", "pve2"] });

// An HA VM may run on another node after a failover: `ignoreChanges: ["nodeName"]` keeps a later
// `up` from replacing it to put it back (docs/runbooks/node-failure.md). Config `followHaNode:
// false` leaves it out, to show what happens without it.
const followHaNode = config.getBoolean("followHaNode") ?? true;
const db = new pve.VmFromTemplate(
  "db",
  {
    node: "pve1",
    template: { vmId: 9000, diskSizeGb: 2 },
    vmId: 100,
    storage: tank.storageId,
    cloudInit: { user: "ops", sshKeys: [sshKey] },
    backups: { schedule: "*-*-* 02:00", storage: pbs.storageId, retention: { keepDaily: 7 } },
  },
  followHaNode ? { ignoreChanges: ["nodeName"] } : {},
);
const dbHa = new pve.HighAvailability("db", { guestId: db.vmId, maxRestarts: 2, maxRelocations: 1, preferredNodes: [{ node: "pve1", priority: 2 }, { node: "pve2", priority: 1 }] });
new pve.Replication("db-to-pve2", { guestId: db.vmId, targetNode: "pve2", schedule: "*/30", rateLimitMBps: 50, storages: ["tank"] });

const template = new proxmox.download.File("debian-12-ct", {
  nodeName: "pve1",
  datastoreId: "local",
  contentType: "vztmpl",
  url: templateUrl,
  fileName: "debian-12-standard_12.7-1_amd64.tar.zst",
});
const cache = new pve.Container("cache", { node: "pve1", template: template.id, vmId: 320, sshKeys: [sshKey] });
const cacheHa = new pve.HighAvailability("cache", { guestId: cache.vmId, guestType: "container", state: "started", keepApartFrom: [dbHa.resourceId] });

export const storages = pulumi.all([dumps.storageId, nas.storageId, pbs.storageId, tank.storageId]);
export const haResources = pulumi.all([dbHa.resourceId, cacheHa.resourceId]);

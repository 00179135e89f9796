import * as pulumi from "@pulumi/pulumi";
import { HighAvailability, Replication, Storage, VmFromTemplate } from "@hearth/proxmox";

// Storage in code: a ZFS pool on both nodes (the storage Proxmox can replicate between nodes) and a
// Proxmox Backup Server datastore. The PBS password and certificate fingerprint are secrets: set
// them with `pulumi config set --secret pbsPassword ...` and `... --secret pbsFingerprint ...`.
const config = new pulumi.Config();
const tank = new Storage("tank", { type: "zfsPool", zfsPool: { pool: "tank/vm", thinProvision: true }, nodes: ["pve1", "pve2"] });
const pbs = new Storage("pbs", {
  type: "pbs",
  pbs: { server: "pbs.example.internal", datastore: "main", username: "backup@pbs", password: config.requireSecret("pbsPassword"), fingerprint: config.requireSecret("pbsFingerprint") },
});

// The database VM lives on the ZFS pool and is backed up nightly to PBS.
const db = new VmFromTemplate("db-1", {
  node: "pve1",
  template: { vmId: 9000, diskSizeGb: 10 },
  vmId: 3101,
  storage: tank.storageId,
  backups: { schedule: "*-*-* 02:00", storage: pbs.storageId, retention: { keepDaily: 7, keepWeekly: 4 } },
});

// Highly available: when pve1 fails, the HA manager fences it and starts the VM on pve2
// (docs/runbooks/node-failure.md). It prefers pve1 and moves back when pve1 returns.
const ha = new HighAvailability("db-1", { guestId: db.vmId, maxRestarts: 2, maxRelocations: 1, preferredNodes: [{ node: "pve1", priority: 2 }, { node: "pve2", priority: 1 }] });

// Its disks are copied to pve2 every 15 minutes (at most 50 MB/s), so pve2 holds a recent copy to
// start from. Hearth refuses the job before anything is created if `tank` were not a ZFS pool.
const replica = new Replication("db-1-to-pve2", { guestId: db.vmId, targetNode: "pve2", rateLimitMBps: 50, storages: ["tank"] });

export const haResourceId = ha.resourceId;
export const replicationJobId = replica.jobId;

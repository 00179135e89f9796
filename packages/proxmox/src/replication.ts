import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkBoolean, checkCalendarEvent, checkInt, Problems } from "@hearth/core";
import { claimUniqueName, isPlain, providerScope } from "@hearth/kit";
import { checkedInput } from "./guest.js";
import { checkPveValue } from "./pveFormats.js";
import { knownStorage } from "./storage.js";

// Facts about storage replication are from proxmox/pve-guest-common src/PVE/ReplicationConfig.pm
// (the job id `<vmid>-<jobnum>` and `parse_replication_job_id`, `rate` in MB/s with minimum 1,
// `schedule` a calendar event defaulting to `*/15`, one job per guest and target), pve-manager
// PVE/API2/ReplicationConfig.pm (create), and what a guest needs to be replicated:
// proxmox/qemu-server src/PVE/QemuConfig.pm and proxmox/pve-container src/PVE/LXC/Config.pm
// `get_replicatable_volumes` (each local volume must have the `replicate` feature, which of the
// storage types only ZFS has: proxmox/pve-storage src/PVE/Storage/ZFSPoolPlugin.pm
// `volume_has_feature`), and the target node must have the same storage (pve-manager
// PVE/CLI/pvesr.pm `prepare_local_job`: "storage '<id>' is not replicatable" otherwise).

/** The schedule Proxmox gives a job without one (ReplicationConfig.pm `schedule` default). */
export const defaultReplicationSchedule = "*/15";

export interface ReplicationArgs {
  /** The guest's id: a VmFromTemplate's or Container's `vmId`. */
  readonly guestId: pulumi.Input<number>;
  /** The node the guest's volumes are replicated to; not the node it runs on. Changing it replaces the job. */
  readonly targetNode: pulumi.Input<string>;
  /** The job's number among the guest's jobs (its id is `<guestId>-<jobNumber>`), 0-999999999. @default 0 */
  readonly jobNumber?: number;
  /** When to replicate, as a Proxmox calendar event (`"*\/15"` every 15 minutes, `"*-*-* 02:00"`). @default "*\/15" (Proxmox's) */
  readonly schedule?: pulumi.Input<string>;
  /** A bandwidth limit in megabytes per second, at least 1. @default unlimited */
  readonly rateLimitMBps?: number;
  /** @default "Managed by Hearth" */
  readonly comment?: string;
  /** @default true */
  readonly enabled?: boolean;
  /**
   * The storages the guest's volumes are on. Proxmox replicates ZFS volumes only, from and to a
   * ZFS pool of the same id on both nodes: a storage this program defines (a `Storage`) that is
   * not a ZFS pool, or is not available on the target node, is refused before anything is
   * created. Storages defined elsewhere are checked by Proxmox when the job is created.
   * @default not checked by Hearth
   */
  readonly storages?: pulumi.Input<string>[];
}

/**
 * A storage replication job: the guest's ZFS volumes are copied to another node on a schedule,
 * so that after a node failure the guest can start there from the last replicated state
 * (docs/runbooks/node-failure.md). With HA, the HA manager recovers the guest on the node that
 * holds the replica.
 *
 * Children: `${name}` (Replication).
 */
export class Replication extends pulumi.ComponentResource {
  /** The job id, `<guestId>-<jobNumber>`. */
  readonly jobId: pulumi.Output<string>;
  readonly targetNode: pulumi.Output<string>;
  readonly schedule: pulumi.Output<string>;

  constructor(name: string, args: ReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    const owner = `Replication "${name}"`;
    const problems = new Problems(owner);
    if (args === null || typeof args !== "object") {
      problems.check((fail) => fail("(args)", args, 'give the guest and the target node: { guestId: vm.vmId, targetNode: "pve2" }'));
      problems.throwIfAny();
    }
    // ReplicationConfig.pm `parse_replication_job_id`: guest ids below 100 are reserved; the schema's pattern `[1-9][0-9]{2,8}-\d{1,9}`.
    const guestId = problems.check((fail) =>
      checkedInput(args.guestId, (id) => {
        if (!Number.isInteger(id) || id < 100 || id > 999_999_999) fail("guestId", id, "give the guest's id (100-999999999): a VmFromTemplate's or Container's vmId");
      }),
    );
    const jobNumber = problems.check((fail) => checkInt(fail, "jobNumber", args.jobNumber ?? 0, 0, 999_999_999));
    const target = problems.check((fail) => checkedInput(args.targetNode, (n) => checkPveValue(fail, "targetNode", n, "node")));
    const schedule = problems.check((fail) =>
      checkedInput(args.schedule ?? defaultReplicationSchedule, (s) => {
        // ReplicationConfig.pm `schedule`: maxLength 128.
        if (typeof s === "string" && s.length > 128) fail("schedule", s, "a schedule is at most 128 characters");
        checkCalendarEvent(fail, "schedule", s);
      }),
    );
    if (args.rateLimitMBps !== undefined && (typeof args.rateLimitMBps !== "number" || !Number.isFinite(args.rateLimitMBps) || args.rateLimitMBps < 1)) {
      problems.check((fail) => fail("rateLimitMBps", args.rateLimitMBps, "give a rate limit of at least 1 MB/s, or leave it out for none"));
    }
    if (args.enabled !== undefined) problems.check((fail) => checkBoolean(fail, "enabled", args.enabled));
    if (args.comment !== undefined && (typeof args.comment !== "string" || args.comment.length > 4096 || /[\r\n]/.test(args.comment))) {
      problems.check((fail) => fail("comment", args.comment, "use one line of at most 4096 characters"));
    }
    const storages = args.storages === undefined ? [] : checkStorages(problems, args.storages, args.targetNode);
    // One job per id; a plain guest id lets the plan refuse a duplicate before Proxmox does.
    if (guestId !== undefined && isPlain(guestId) && jobNumber !== undefined) {
      problems.check((fail) => claimUniqueName(fail, "jobNumber", "Proxmox replication job id", providerScope(opts, "proxmoxve"), `${guestId}-${jobNumber}`, owner));
    }
    problems.throwIfAny();
    super("hearth:proxmox:Replication", name, {}, opts);

    const job = new proxmoxve.Replication(
      name,
      {
        // Waits for the storages' checks, so a storage known only when it resolves is refused before the job is created.
        resourceId: pulumi.all([guestId!, ...storages]).apply(([id]) => `${id}-${jobNumber}`),
        type: "local",
        target: target!,
        schedule: schedule!,
        comment: args.comment ?? "Managed by Hearth",
        ...(args.rateLimitMBps === undefined ? {} : { rate: args.rateLimitMBps }),
        ...(args.enabled === false ? { disable: true } : {}),
      },
      { parent: this },
    );
    this.jobId = job.resourceId;
    this.targetNode = job.target;
    this.schedule = job.schedule;
    this.registerOutputs({ jobId: this.jobId, targetNode: this.targetNode, schedule: this.schedule });
  }
}

/** Each storage the guest uses, when this program defines it: a ZFS pool, available on the target node. */
function checkStorages(problems: Problems, storages: pulumi.Input<string>[], targetNode: pulumi.Input<string>): pulumi.Input<string>[] {
  if (!Array.isArray(storages) || storages.length === 0) {
    problems.check((fail) => fail("storages", storages, 'give the storages the guest\'s volumes are on, such as ["tank"], or leave storages out'));
    return [];
  }
  return storages.map((s, i) =>
    problems.check((fail) =>
      checkedInput(s, (id) => {
        const field = `storages[${i}]`;
        checkPveValue(fail, field, id, "storage");
        const known = knownStorage(id);
        if (known === undefined) return;
        if (known.type !== "zfsPool") {
          fail(field, id, `the storage "${id}" is a ${known.type} storage; Proxmox replicates ZFS volumes only (a local volume without the replicate feature is refused), so put the guest's disks on a zfsPool Storage`);
        } else if (known.nodes !== undefined && isPlain(targetNode) && !known.nodes.includes(targetNode as string)) {
          fail(field, id, `the storage "${id}" is not available on the target node ${String(targetNode)} (its nodes: ${known.nodes.join(", ")}); replication writes to the same storage on the target`);
        }
      }),
    )!,
  );
}

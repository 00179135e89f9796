import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkCalendarEvent, checkInt, checkOneOf, checkRetention, failFor, retentionToPruneMap, type Retention } from "@hearth/core";
import { claimUniqueName, providerScope, checked } from "@hearth/kit";
import { VmFromTemplate } from "./vmFromTemplate.js";
import { vmIdRange } from "./vmIds.js";
import { checkPveValue } from "./pveFormats.js";

export const backupModes = ["snapshot", "suspend", "stop"] as const;
export const backupCompressions = ["zstd", "lzo", "gzip", "none"] as const;

export interface BackupPolicyArgs {
  /** When to run, as a Proxmox calendar event (`"*-*-* 02:00"`, `"daily"`, `"sat 03:30"`). */
  readonly schedule: pulumi.Input<string>;
  /** The storage the backups are written to (`"backups"`, a PBS storage, ...). */
  readonly storage: pulumi.Input<string>;
  /** How many backups to keep: at least one `keep*` value above 0. */
  readonly retention: Retention;
  /** Back up these VM ids. Give exactly one of vmIds, vms, pool or all. */
  readonly vmIds?: ReadonlyArray<pulumi.Input<number>>;
  /** Back up these Hearth VMs. */
  readonly vms?: readonly VmFromTemplate[];
  /** Back up every guest in this resource pool. */
  readonly pool?: pulumi.Input<string>;
  /** Back up every guest in the cluster (or on `node`). */
  readonly all?: true;
  /** `snapshot` (no downtime), `suspend` or `stop`. @default "snapshot" */
  readonly mode?: (typeof backupModes)[number];
  /** @default "zstd" */
  readonly compress?: (typeof backupCompressions)[number];
  /** @default true */
  readonly enabled?: boolean;
  /** Run only on this node. @default every node (each backs up its own guests) */
  readonly node?: pulumi.Input<string>;
  /** The job id: a letter, then letters, digits or '_' (no dashes), 2-41 characters. @default `hearth_` + the component name with other characters as '_' */
  readonly jobId?: string;
}

/**
 * A scheduled vzdump backup job with a retention (prune) policy.
 *
 * Children: `${name}` (backup.Job).
 */
export class BackupPolicy extends pulumi.ComponentResource {
  readonly jobId: pulumi.Output<string>;
  readonly schedule: pulumi.Output<string>;
  /** The retention as Proxmox's prune map (`{ "keep-daily": "7" }`). */
  readonly pruneBackups: Record<string, string>;

  constructor(name: string, args: BackupPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    const fail = failFor("BackupPolicy", name);
    if (args === null || typeof args !== "object") fail("(args)", args, "give schedule, storage, retention and a selection");
    const selections = (["vmIds", "vms", "pool", "all"] as const).filter((k) => args[k] !== undefined);
    if (selections.length !== 1) {
      fail(selections.length === 0 ? "selection" : selections.join(" and "), selections, "give exactly one of vmIds, vms, pool or all");
    }
    if (args.all !== undefined && args.all !== true) fail("all", args.all, "use all: true, or select by vmIds, vms or pool");
    for (const key of ["vmIds", "vms"] as const) {
      const list = args[key];
      if (list !== undefined && (!Array.isArray(list) || list.length === 0)) fail(key, list, "give at least one VM");
    }
    args.vms?.forEach((vm, i) => {
      if (!(vm instanceof VmFromTemplate)) fail(`vms[${i}]`, vm, "use a Hearth proxmox VmFromTemplate (or list its id in vmIds)");
    });
    const retention = checkRetention(fail, "retention", args.retention);
    const mode = checkOneOf(fail, "mode", args.mode ?? "snapshot", backupModes);
    const compress = checkOneOf(fail, "compress", args.compress ?? "zstd", backupCompressions);
    const jobId = args.jobId ?? `hearth_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
    if (typeof jobId !== "string" || !/^[A-Za-z][A-Za-z0-9_]{1,40}$/.test(jobId)) {
      fail(args.jobId === undefined ? "name" : "jobId", jobId, "a backup job id is a letter followed by 1-40 letters, digits or '_'; set jobId");
    }
    // Stricter than PVE's own rule for job ids (pve-configid; see pveFormats.ts), which it must also meet.
    checkPveValue(fail, args.jobId === undefined ? "name" : "jobId", jobId, "configId");
    // Job ids are cluster-wide, and the default one is derived (`web-db` and `web_db` both give
    // `hearth_web_db`): a second policy with the same id would overwrite the first.
    claimUniqueName(fail, args.jobId === undefined ? "name" : "jobId", "Proxmox backup job id", providerScope(opts, "proxmoxve"), jobId, `BackupPolicy "${name}"`);
    const schedule = checked(args.schedule, (s) => checkCalendarEvent(fail, "schedule", s));
    const storage = checked(args.storage, (s) => checkPveValue(fail, "storage", s, "storage"));
    const node = args.node === undefined ? undefined : checked(args.node, (n) => checkPveValue(fail, "node", n, "node"));
    const pool = args.pool === undefined ? undefined : checked(args.pool, (p) => checkPveValue(fail, "pool", p, "pool"));
    const vmIds = args.vmIds?.map((id, i) => checked(id, (v) => checkInt(fail, `vmIds[${i}]`, v, vmIdRange.min, vmIdRange.max)).apply(String));
    super("hearth:proxmox:BackupPolicy", name, {}, opts);

    this.pruneBackups = retentionToPruneMap(retention);
    const job = new proxmoxve.backup.Job(
      name,
      {
        resourceId: jobId,
        schedule,
        storage,
        mode,
        // Proxmox spells "no compression" as 0.
        compress: compress === "none" ? "0" : compress,
        enabled: args.enabled ?? true,
        node,
        pruneBackups: this.pruneBackups,
        ...(vmIds ? { vmids: vmIds } : {}),
        ...(args.vms ? { vmids: args.vms.map((vm) => vm.vmId.apply(String)) } : {}),
        ...(pool !== undefined ? { pool } : {}),
        ...(args.all ? { all: true } : {}),
      },
      { parent: this },
    );
    this.jobId = job.resourceId;
    this.schedule = job.schedule;
    this.registerOutputs({ jobId: this.jobId, schedule: this.schedule });
  }
}

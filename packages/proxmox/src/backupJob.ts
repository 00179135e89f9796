import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkCalendarEvent, checkInt, checkOneOf, checkRetention, Problems, retentionToPruneMap, type Fail, type Retention } from "@hearth/core";
import { claimUniqueName, providerScope, checked } from "@hearth/kit";
import { checkPveValue } from "./pveFormats.js";
import { checkStorageContent } from "./storage.js";

/** How vzdump holds a guest while it backs it up: `snapshot` (no downtime), `suspend` or `stop`. */
export const BackupMode = { snapshot: "snapshot", suspend: "suspend", stop: "stop" } as const;
export type BackupMode = (typeof BackupMode)[keyof typeof BackupMode];
/** How vzdump compresses a backup; `none` writes it uncompressed. */
export const BackupCompression = { zstd: "zstd", lzo: "lzo", gzip: "gzip", none: "none" } as const;
export type BackupCompression = (typeof BackupCompression)[keyof typeof BackupCompression];

export const backupModes: readonly BackupMode[] = Object.values(BackupMode);
export const backupCompressions: readonly BackupCompression[] = Object.values(BackupCompression);

/**
 * The storage a vzdump job writes to when none is given: vzdump's own default, `local`
 * (pve-manager PVE/VZDump.pm `get_storage_param`: `$param->{storage} || 'local'`).
 */
export const defaultBackupStorage = "local";

/** Where and how a vzdump job writes its backups: what a job for one VM and a job for many share. */
export interface VzdumpSettings {
  readonly schedule?: pulumi.Input<string>;
  readonly retention?: Retention;
  readonly storage?: pulumi.Input<string>;
  readonly mode?: BackupMode;
  readonly compress?: BackupCompression;
  readonly lockWaitMinutes?: number;
  readonly jobId?: string;
}

/** The checked settings, ready for a backup.Job. */
export interface CheckedVzdump {
  readonly jobId: string;
  readonly schedule: pulumi.Input<string>;
  readonly storage: pulumi.Input<string>;
  readonly mode: BackupMode;
  readonly compress: BackupCompression;
  readonly pruneBackups?: Record<string, string>;
  readonly lockwait?: number;
}

/**
 * Checks a vzdump job's settings into `problems` (each field under `prefix`), and claims its
 * job id: `jobId`, or `hearth_` + the job's child name with other characters as '_'.
 * `retentionRequired`: a BackupJob must say what it keeps; a VM's `backups` may leave it to the
 * storage's own prune settings. Undefined when a problem was found.
 */
export function checkVzdump(
  problems: Problems,
  prefix: string,
  settings: VzdumpSettings,
  childName: string,
  opts: pulumi.ComponentResourceOptions | undefined,
  retentionRequired: boolean,
): CheckedVzdump | undefined {
  const field = (f: string) => (prefix === "" ? f : `${prefix}.${f}`);
  const before = problems.list.length;
  const retention =
    settings.retention === undefined && !retentionRequired ? undefined : problems.check((fail) => checkRetention(fail, field("retention"), settings.retention));
  const mode = problems.check((fail) => checkOneOf(fail, field("mode"), settings.mode ?? "snapshot", backupModes));
  const compress = problems.check((fail) => checkOneOf(fail, field("compress"), settings.compress ?? "zstd", backupCompressions));
  const lockwait = settings.lockWaitMinutes === undefined ? undefined : problems.check((fail) => checkInt(fail, field("lockWaitMinutes"), settings.lockWaitMinutes, 0, 7 * 24 * 60));
  const jobIdField = settings.jobId === undefined ? (prefix === "" ? "name" : field("jobId")) : field("jobId");
  const jobId = problems.check((fail) => checkJobId(fail, jobIdField, settings.jobId ?? `hearth_${childName.replace(/[^A-Za-z0-9_]/g, "_")}`, settings.jobId === undefined));
  // Job ids are cluster-wide, and the default one is derived (`web-db` and `web_db` both give
  // `hearth_web_db`): a second job with the same id would overwrite the first.
  if (jobId !== undefined) {
    problems.check((fail) => claimUniqueName(fail, jobIdField, "Proxmox backup job id", providerScope(opts, "proxmoxve"), jobId, `${problems.component}`));
  }
  const schedule = problems.check((fail) => checked(settings.schedule ?? "daily", (s) => checkCalendarEvent(fail, field("schedule"), s)));
  const storage = problems.check((fail) =>
    checked(settings.storage ?? defaultBackupStorage, (s) => {
      checkPveValue(fail, field("storage"), s, "storage");
      // A Storage this program defines must hold backups (pve-manager PVE/VZDump.pm `storage_info`: "can't use storage ... - wrong content type").
      checkStorageContent(fail, field("storage"), s, "backup", "a backup job");
    }),
  );
  if (problems.list.length > before) return undefined;
  return {
    jobId: jobId!,
    schedule: schedule!,
    storage: storage!,
    mode: mode!,
    compress: compress!,
    ...(retention === undefined ? {} : { pruneBackups: retentionToPruneMap(retention) }),
    ...(lockwait === undefined ? {} : { lockwait }),
  };
}

function checkJobId(fail: Fail, field: string, jobId: unknown, derived: boolean): string {
  if (typeof jobId !== "string" || !/^[A-Za-z][A-Za-z0-9_]{1,40}$/.test(jobId)) {
    fail(field, jobId, `a backup job id is a letter followed by 1-40 letters, digits or '_'${derived ? "; the one derived from the name does not fit, so set jobId" : ""}`);
  }
  // Stricter than PVE's own rule for job ids (pve-configid; see pveFormats.ts), which it must also meet.
  return checkPveValue(fail, field, jobId, "configId");
}

/** The backup.Job inputs of checked settings (Proxmox spells "no compression" as 0). */
export function vzdumpJobInputs(v: CheckedVzdump): Omit<proxmoxve.backup.JobArgs, "vmids" | "pool" | "all" | "node" | "enabled"> {
  return {
    resourceId: v.jobId,
    schedule: v.schedule,
    storage: v.storage,
    mode: v.mode,
    compress: v.compress === "none" ? "0" : v.compress,
    ...(v.pruneBackups === undefined ? {} : { pruneBackups: v.pruneBackups }),
    ...(v.lockwait === undefined ? {} : { lockwait: v.lockwait }),
  };
}

/** What a BackupJob backs up: every guest of a resource pool, or every guest. */
export interface BackupJobArgs {
  /** When to run, as a Proxmox calendar event (`"*-*-* 02:00"`, `"daily"`, `"sat 03:30"`). */
  readonly schedule: pulumi.Input<string>;
  /** The storage the backups are written to (`"backups"`, a PBS storage, ...). @default "local" (vzdump's own default) */
  readonly storage?: pulumi.Input<string>;
  /** How many backups to keep: at least one `keep*` value above 0. */
  readonly retention: Retention;
  /** Back up every guest in this resource pool. Give exactly one of pool or all. */
  readonly pool?: pulumi.Input<string>;
  /** Back up every guest in the cluster (or on `node`). Give exactly one of pool or all. */
  readonly all?: boolean;
  /** @default "snapshot" */
  readonly mode?: BackupMode;
  /** @default "zstd" */
  readonly compress?: BackupCompression;
  /**
   * How long this job waits for another vzdump run on the node to finish before it fails, in
   * minutes (vzdump runs one at a time per node; docs/proxmox.md, "Backups").
   * @default 180 (vzdump's own default)
   */
  readonly lockWaitMinutes?: number;
  /** @default true */
  readonly enabled?: boolean;
  /** Run only on this node. @default every node (each backs up its own guests) */
  readonly node?: pulumi.Input<string>;
  /** The job id: a letter, then letters, digits or '_' (no dashes), 2-41 characters. @default `hearth_` + the component name with other characters as '_' */
  readonly jobId?: string;
}

/**
 * A scheduled vzdump job for a whole resource pool or for every guest, with a retention
 * (prune) policy. To back up one VM, give the VM `backups` instead: it creates its own job.
 * Was `BackupPolicy` (which also selected VMs by id); the old type is an alias, so existing
 * jobs are kept, not replaced.
 *
 * Children: `${name}` (backup.Job).
 */
export class BackupJob extends pulumi.ComponentResource {
  readonly jobId: pulumi.Output<string>;
  readonly schedule: pulumi.Output<string>;
  /** The retention as Proxmox's prune map (`{ "keep-daily": "7" }`). */
  readonly pruneBackups: Record<string, string>;

  constructor(name: string, args: BackupJobArgs, opts?: pulumi.ComponentResourceOptions) {
    const problems = new Problems(`BackupJob "${name}"`);
    if (args === null || typeof args !== "object") problems.fail("(args)", args, "give schedule, retention and pool or all");
    const legacy = (["vmIds", "vms"] as const).filter((k) => (args as unknown as Record<string, unknown>)[k] !== undefined);
    if (legacy.length > 0) {
      problems.check((fail) => fail(legacy[0]!, (args as unknown as Record<string, unknown>)[legacy[0]!], "a VM's backups are now set on the VM: give it backups: { schedule, retention, storage } (docs/MIGRATING.md); a BackupJob backs up a pool or all guests"));
    }
    const selections = (["pool", "all"] as const).filter((k) => args[k] !== undefined && args[k] !== false);
    if (selections.length !== 1 && legacy.length === 0) {
      problems.check((fail) => fail(selections.length === 0 ? "selection" : selections.join(" and "), selections, "give exactly one of pool or all: true"));
    }
    if (args.all !== undefined && typeof args.all !== "boolean") problems.check((fail) => fail("all", args.all, "use all: true, or select a pool"));
    const vzdump = checkVzdump(problems, "", args, name, opts, true);
    const node = args.node === undefined ? undefined : problems.check((fail) => checked(args.node!, (n) => checkPveValue(fail, "node", n, "node")));
    const pool = args.pool === undefined ? undefined : problems.check((fail) => checked(args.pool!, (p) => checkPveValue(fail, "pool", p, "pool")));
    problems.throwIfAny();
    // Renamed from BackupPolicy: the old type is an alias, so the job (its child) keeps its URN.
    super("hearth:proxmox:BackupJob", name, {}, { ...opts, aliases: [...(opts?.aliases ?? []), { type: "hearth:proxmox:BackupPolicy" }] });

    this.pruneBackups = vzdump!.pruneBackups!;
    const job = new proxmoxve.backup.Job(
      name,
      {
        ...vzdumpJobInputs(vzdump!),
        enabled: args.enabled ?? true,
        node,
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

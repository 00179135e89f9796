import * as pulumi from "@pulumi/pulumi";
import { failFor, type Retention } from "@hearth/core";
import { checkDoRetention, toDropletBackupPolicy, type DoBackupSchedule } from "./backups.js";

export interface BackupPolicyArgs {
  /**
   * When backups run: a Proxmox calendar event that DigitalOcean can run exactly
   * (`"*-*-* 04:00"` daily, `"sun 20:00"` weekly; hours 0, 4, 8, 12, 16 or 20, UTC, on the
   * hour) or `{ plan, hour, weekday }`.
   */
  readonly schedule: string | DoBackupSchedule;
  /**
   * How many backups to keep. DigitalOcean keeps 7 daily or 4 weekly backups, so only that
   * is accepted. @default what the plan keeps
   */
  readonly retention?: Retention;
}

/**
 * A DigitalOcean droplet backup policy. DigitalOcean stores it on each droplet, so a VM points
 * at the policy (`new VmFromTemplate(..., { backups: policy })`) rather than the policy
 * listing VMs as on Proxmox. Creating it checks the schedule and retention; it creates no
 * cloud resource.
 */
export class BackupPolicy extends pulumi.ComponentResource {
  /** The droplet `backupPolicy` this maps to. */
  public readonly policy: DoBackupSchedule;
  public readonly retention: Retention;

  constructor(name: string, args: BackupPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
    const fail = failFor("BackupPolicy", name);
    if (args === null || typeof args !== "object") fail("schedule", undefined, 'give a schedule such as "*-*-* 04:00"');
    const policy = toDropletBackupPolicy(fail, "schedule", args.schedule);
    const retention = checkDoRetention(fail, "retention", policy.plan, args.retention);
    super("hearth:digitalocean:BackupPolicy", name, {}, opts);
    this.policy = policy;
    this.retention = retention;
    this.registerOutputs({ policy: this.policy, retention: this.retention });
  }
}

import * as pulumi from "@pulumi/pulumi";
import { checkObject, failFor, type Retention } from "@hearth/core";
import { checkHcloudRetention, checkHcloudSchedule } from "./backups.js";

export interface BackupPolicyArgs {
  /**
   * How many backups to keep. Hetzner keeps the last 7 daily backups and nothing else, so
   * only `{ keepLast: 7 }` or `{ keepDaily: 7 }` is accepted.
   * @default { keepLast: 7 }
   */
  readonly retention?: Retention;
  /**
   * Not supported: Hetzner picks the daily backup window (the server's `backupWindow`
   * output shows it). Any value is an error saying so; the field exists so a program moved
   * from Proxmox gets that explanation instead of a type error.
   * @default Hetzner's window
   */
  readonly schedule?: string;
}

/**
 * Hetzner Cloud backups as a policy object. Hetzner stores backups as an on/off switch on
 * each server, so a VM points at the policy (`new VmFromTemplate(..., { backups: policy })`)
 * rather than the policy listing VMs as it does on Proxmox. Creating the policy checks that
 * the requested retention is one Hetzner honours; it creates no cloud resource.
 */
export class BackupPolicy extends pulumi.ComponentResource {
  public readonly retention: Retention;

  constructor(name: string, args: BackupPolicyArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    const fail = failFor("BackupPolicy", name);
    checkObject(fail, "args", args, "{ retention: { keepDaily: 7 } }");
    checkHcloudSchedule(fail, "schedule", args.schedule);
    const retention = checkHcloudRetention(fail, "retention", args.retention);
    super("hearth:hcloud:BackupPolicy", name, {}, opts);
    this.retention = retention;
    this.registerOutputs({ retention: this.retention });
  }
}

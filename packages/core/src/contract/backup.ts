import { checkCalendarEvent, checkRetention, type Retention } from "../backup.js";
import { Problems, type Problem } from "../errors.js";
import { isUnresolved } from "../checks.js";

/**
 * How a VM is backed up: a plain value given to the VM (`backups: nightly`), the same on every
 * provider. Backups point one way everywhere, from the VM to its policy; each provider turns
 * the value into what it has (a vzdump job per VM at home, the server's backup option at
 * Hetzner, a droplet backup policy at DigitalOcean) and refuses what it cannot honour rather
 * than backing up less than asked.
 *
 * ```ts
 * const nightly: BackupPolicy = { schedule: "02:00", retention: { keepDaily: 7 } };
 * ```
 */
export interface BackupPolicy {
  /**
   * When backups run, as a calendar event in systemd/Proxmox syntax (`"daily"`,
   * `"sun 03:30"`, `"mon..fri 02:00"`). The clouds take only what they can run: Hetzner
   * backs up daily in a window it picks, DigitalOcean daily or weekly in a 4-hour window.
   * @default "daily"
   */
  readonly schedule?: string;
  /**
   * How many backups to keep. Hetzner keeps exactly 7 (give `{ keepDaily: 7 }` or leave it out);
   * DigitalOcean keeps its own fixed number (see the provider's docs).
   * @default the provider's own retention
   */
  readonly retention?: Retention;
}

/** The contract's checks of a backup policy value (schedule syntax, retention); every problem, not only the first. */
export function validateBackupPolicy(component: string, field: string, policy: unknown): Problem[] {
  const problems = new Problems(component);
  if (policy === undefined) return [];
  if (policy === null || typeof policy !== "object" || Array.isArray(policy) || isUnresolved(policy)) {
    problems.check((fail) => fail(field, policy, 'use a policy value such as { schedule: "02:00", retention: { keepDaily: 7 } }'));
    return [...problems.list];
  }
  const p = policy as BackupPolicy;
  if (p.schedule !== undefined && !isUnresolved(p.schedule)) problems.check((fail) => checkCalendarEvent(fail, `${field}.schedule`, p.schedule));
  if (p.retention !== undefined) problems.check((fail) => checkRetention(fail, `${field}.retention`, p.retention));
  return [...problems.list];
}

import { checkRetention, retentionKeys, type Fail, type Retention } from "@hearth/core";

/**
 * What Hetzner Cloud does with backups: "Enables and configures the automatic daily backup
 * option for the Server. ... you will get seven slots where Images of type backup can be
 * stored. Backups are automatically created daily." (../shared/specs/hcloud-openapi.json,
 * `paths./servers/{id}/actions/enable_backup.post.description`), in a window Hetzner picks and
 * reports as the server's `backup_window` (`components/schemas/server/properties/backup_window`).
 */
export const hcloudBackupRetention: Retention = { keepLast: 7 };

const honoured = "Hetzner Cloud backs up once a day, in a window Hetzner picks, and keeps the last 7";

/**
 * Checks that a requested retention is exactly what Hetzner does. Anything else would be a
 * silent downgrade or upgrade, so it is an error that says what the cloud can do.
 */
export function checkHcloudRetention(fail: Fail, field: string, retention: Retention | undefined): Retention {
  if (retention === undefined) return hcloudBackupRetention;
  checkRetention(fail, field, retention);
  const set = retentionKeys.filter((k) => (retention[k] ?? 0) > 0);
  const ok = set.length === 1 && (set[0] === "keepLast" || set[0] === "keepDaily") && retention[set[0]] === 7;
  if (!ok) fail(field, retention, `${honoured}: use retention { keepDaily: 7 } or { keepLast: 7 }, or leave it out`);
  return retention;
}

/**
 * Checks a schedule: Hetzner runs one backup a day in its own window, so only `"daily"` (the
 * contract's default, "once a day") or no schedule is honoured; a time or a weekday is an
 * error rather than a backup at another time than asked.
 */
export function checkHcloudSchedule(fail: Fail, field: string, schedule: unknown): void {
  if (schedule !== undefined && schedule !== "daily") {
    fail(field, schedule, `${honoured}; use schedule "daily" or leave it out (the server's backupWindow output shows the window)`);
  }
}

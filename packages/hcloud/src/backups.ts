import { checkRetention, retentionKeys, type Fail, type Retention } from "@hearth/core";

/** Hetzner takes one backup a day in a window it picks and keeps the last seven. */
export const hcloudBackupRetention: Retention = { keepLast: 7 };

const honoured = "Hetzner Cloud backups are on or off: one backup a day in a window Hetzner picks, the last 7 kept. Use retention { keepLast: 7 } or { keepDaily: 7 } (the default)";

/**
 * Checks that a requested retention is exactly what Hetzner does. Anything else would be a
 * silent downgrade or upgrade, so it is an error that says what the cloud can do.
 */
export function checkHcloudRetention(fail: Fail, field: string, retention: Retention | undefined): Retention {
  if (retention === undefined) return hcloudBackupRetention;
  checkRetention(fail, field, retention);
  const set = retentionKeys.filter((k) => (retention[k] ?? 0) > 0);
  const ok = set.length === 1 && (set[0] === "keepLast" || set[0] === "keepDaily") && retention[set[0]] === 7;
  if (!ok) fail(field, retention, honoured);
  return retention;
}

/** Hetzner picks the backup window itself: any schedule is an error. */
export function checkHcloudSchedule(fail: Fail, field: string, schedule: unknown): void {
  if (schedule !== undefined) fail(field, schedule, `${honoured}; remove schedule (the server's backupWindow output shows the window)`);
}

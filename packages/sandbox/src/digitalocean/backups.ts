import type { Obj } from "./context.js";
import { unprocessable } from "./errors.js";

/**
 * Droplet backup policies (../shared/specs/digitalocean-openapi.json: `POST /v2/droplets`
 * `backup_policy` "If omitted and `backups` is `true`, the backup plan will default to daily";
 * the policy schema: `plan` daily|weekly, `weekday` SUN..SAT, `hour` one of 0, 4, 8, 12, 16, 20;
 * read-only `window_length_hours` 4 and `retention_period_days` 7 (daily) or 28 (weekly), as
 * `GET /v2/droplets/backups/supported_policies` lists them). A daily policy has no weekday.
 * The hour when none is given (0) and weekly's default weekday (SUN) are the sandbox's choice.
 */
export const BACKUP_HOURS = [0, 4, 8, 12, 16, 20] as const;
export const WEEKDAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

export function backupPolicyFrom(raw: unknown): Obj {
  const p = (raw ?? {}) as Obj;
  if (typeof p !== "object" || Array.isArray(p)) unprocessable("backup_policy must be an object");
  const plan = p.plan ?? "daily";
  if (plan !== "daily" && plan !== "weekly") unprocessable(`backup_policy.plan must be daily or weekly, got ${String(plan)}`);
  const hour = p.hour ?? 0;
  if (!(BACKUP_HOURS as readonly unknown[]).includes(hour)) unprocessable(`backup_policy.hour must be one of ${BACKUP_HOURS.join(", ")}, got ${String(hour)}`);
  if (plan === "daily") {
    if (p.weekday !== undefined && p.weekday !== "") unprocessable("backup_policy.weekday is only valid for the weekly plan");
    return { plan, hour, window_length_hours: 4, retention_period_days: 7 };
  }
  const weekday = p.weekday ?? "SUN";
  if (!(WEEKDAYS as readonly unknown[]).includes(weekday)) unprocessable(`backup_policy.weekday must be one of ${WEEKDAYS.join(", ")}, got ${String(weekday)}`);
  return { plan, weekday, hour, window_length_hours: 4, retention_period_days: 28 };
}

import { checkRetention, isWholeNumber, parseCalendarEvent, retentionKeys, type Fail, type Retention } from "@hearth/core";

export const doBackupPlans = ["daily", "weekly"] as const;
export const doBackupHours = [0, 4, 8, 12, 16, 20] as const;
export const doWeekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;
export type DoWeekday = (typeof doWeekdays)[number];

/**
 * A droplet backup policy as DigitalOcean takes it (../shared/specs/digitalocean-openapi.json,
 * `POST /v2/droplets` `backup_policy`, "If omitted and `backups` is `true`, the backup plan will
 * default to daily"; its schema under `POST /v2/droplets/{droplet_id}/actions`: `plan` daily or
 * weekly, `weekday` SUN..SAT, `hour` one of 0, 4, 8, 12, 16, 20 ("The hour of the day that the
 * backup window will start"), read-only `window_length_hours` 4; what each plan keeps is
 * `retention_period_days` in `GET /v2/droplets/backups/supported_policies`: 7 days for daily,
 * 28 for weekly).
 */
export interface DoBackupSchedule {
  readonly plan: "daily" | "weekly";
  /** Start of the 4-hour backup window, UTC. */
  readonly hour: 0 | 4 | 8 | 12 | 16 | 20;
  /** Only for weekly backups. */
  readonly weekday?: DoWeekday;
}

const can =
  "DigitalOcean backs up daily or weekly (on one weekday), in a 4-hour window starting at 0, 4, 8, 12, 16 or 20 o'clock UTC";

/**
 * Maps a schedule to a droplet backup policy: either the structured form, or a Proxmox
 * calendar event that matches a DigitalOcean plan exactly ("*-*-* 04:00" is daily at 4,
 * "sun 20:00" weekly on Sunday at 20). Anything DigitalOcean cannot run is an error.
 */
export function toDropletBackupPolicy(fail: Fail, field: string, schedule: string | DoBackupSchedule): DoBackupSchedule {
  if (typeof schedule === "string") {
    const event = parseCalendarEvent(schedule);
    if (!event) fail(field, schedule, `use a calendar event such as "*-*-* 04:00" or "sun 20:00", or { plan, hour, weekday }; ${can}`);
    // Every part of the event must be one DigitalOcean runs: a year, a month, a month day, a
    // minute or a second it cannot honour is refused, never dropped.
    if (event!.years !== undefined) fail(field, schedule, `${can}; it cannot restrict backups to a year`);
    const everyDay = event!.days.length === 31 && event!.months.length === 12;
    const hour = event!.hours.length === 1 ? event!.hours[0]! : -1;
    const onTheHour = event!.minutes.length === 1 && event!.minutes[0] === 0 && event!.seconds.length === 1 && event!.seconds[0] === 0;
    const exact = everyDay && onTheHour && (doBackupHours as readonly number[]).includes(hour);
    if (!exact || (event!.weekdays.length !== 7 && event!.weekdays.length !== 1)) fail(field, schedule, can);
    const hourOk = hour as DoBackupSchedule["hour"];
    if (event!.weekdays.length === 7) return { plan: "daily", hour: hourOk };
    return { plan: "weekly", hour: hourOk, weekday: event!.weekdays[0]!.toUpperCase() as DoWeekday };
  }
  if (schedule === null || typeof schedule !== "object") fail(field, schedule, `use a calendar event or { plan, hour, weekday }; ${can}`);
  const { plan, hour, weekday } = schedule;
  if (!(doBackupPlans as readonly unknown[]).includes(plan)) fail(`${field}.plan`, plan, `use "daily" or "weekly"; ${can}`);
  // includes() would take -0 for 0: a whole number first (core's one number rule).
  if (!isWholeNumber(hour) || !(doBackupHours as readonly unknown[]).includes(hour)) fail(`${field}.hour`, hour, can);
  if (plan === "weekly") {
    if (!(doWeekdays as readonly unknown[]).includes(weekday)) fail(`${field}.weekday`, weekday, `use one of ${doWeekdays.join(", ")} for a weekly plan`);
    return { plan, hour, weekday: weekday! };
  }
  if (weekday !== undefined) fail(`${field}.weekday`, weekday, "a daily plan runs every day; remove weekday or use plan \"weekly\"");
  return { plan: "daily", hour };
}

/** What DigitalOcean keeps: 7 daily backups, or 4 weekly ones. */
export function doRetentionFor(plan: "daily" | "weekly"): Retention {
  return plan === "daily" ? { keepDaily: 7 } : { keepWeekly: 4 };
}

/** Checks that a requested retention is exactly what DigitalOcean keeps for the plan. */
export function checkDoRetention(fail: Fail, field: string, plan: "daily" | "weekly", retention: Retention | undefined): Retention {
  const fixed = doRetentionFor(plan);
  if (retention === undefined) return fixed;
  checkRetention(fail, field, retention);
  const set = retentionKeys.filter((k) => (retention[k] ?? 0) > 0);
  const count = plan === "daily" ? 7 : 4;
  const key = plan === "daily" ? "keepDaily" : "keepWeekly";
  const ok = set.length === 1 && (set[0] === key || set[0] === "keepLast") && retention[set[0]] === count;
  if (!ok) {
    fail(field, retention, `DigitalOcean keeps ${plan === "daily" ? "7 daily backups (one week)" : "4 weekly backups (four weeks)"} for a ${plan} plan; use { ${key}: ${count} } or leave retention out`);
  }
  return retention;
}


import type { Fail } from "./errors.js";
import { isWholeNumber } from "./numbers.js";

/** How many backups to keep, the Proxmox/borg way. At least one keep-* value is required. */
export interface Retention {
  readonly keepLast?: number;
  readonly keepHourly?: number;
  readonly keepDaily?: number;
  readonly keepWeekly?: number;
  readonly keepMonthly?: number;
  readonly keepYearly?: number;
}

export const retentionKeys = ["keepLast", "keepHourly", "keepDaily", "keepWeekly", "keepMonthly", "keepYearly"] as const;

/** Checks a retention: whole numbers >= 0, at least one above 0, no unknown keys. */
export function checkRetention(fail: Fail, field: string, retention: Retention | undefined): Retention {
  if (retention === null || typeof retention !== "object") {
    fail(field, retention, "give a retention such as { keepDaily: 7, keepWeekly: 4 }");
  }
  for (const key of Object.keys(retention!)) {
    if (!(retentionKeys as readonly string[]).includes(key)) fail(`${field}.${key}`, key, `retention keys are ${retentionKeys.join(", ")}`);
  }
  let total = 0;
  for (const key of retentionKeys) {
    const value = retention![key];
    if (value === undefined) continue;
    if (!isWholeNumber(value) || value < 0 || value > 100000) fail(`${field}.${key}`, value, "use a whole number of backups from 0 to 100000");
    total += value;
  }
  if (total === 0) fail(field, retention, "keep at least one backup: set one of keepLast, keepDaily, keepWeekly, keepMonthly, keepYearly above 0");
  return retention!;
}

/** Retention as Proxmox's prune-backups map: `{ keepDaily: 7 }` -> `{ "keep-daily": "7" }`. */
export function retentionToPruneMap(retention: Retention): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of retentionKeys) {
    const value = retention[key];
    if (value !== undefined && value > 0) out[`keep-${key.slice(4).toLowerCase()}`] = String(value);
  }
  return out;
}

/** Mon=1 .. Sun=7 is ISO; Proxmox and DigitalOcean both speak in names. */
export const weekdayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export type Weekday = (typeof weekdayNames)[number];

/**
 * A parsed Proxmox calendar event (systemd.time subset that `vzdump` jobs accept):
 * `[WEEKDAYS] [[YEAR-]MONTH-DAY] [HOUR:MINUTE[:SECOND]]` or a word such as `daily`.
 * Each set is the explicit list of values that match.
 */
export interface CalendarEvent {
  readonly weekdays: readonly Weekday[];
  /** Month days that match (1-31), all when the date part is `*` or absent. */
  readonly days: readonly number[];
  readonly months: readonly number[];
  readonly hours: readonly number[];
  readonly minutes: readonly number[];
}

const specials: Record<string, string> = {
  minutely: "*-*-* *:*",
  hourly: "*-*-* *:00",
  daily: "*-*-* 00:00",
  weekly: "mon *-*-* 00:00",
  monthly: "*-*-01 00:00",
  yearly: "*-01-01 00:00",
  annually: "*-01-01 00:00",
  quarterly: "*-01,04,07,10-01 00:00",
  semiannually: "*-01,07-01 00:00",
};

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Expands one component (`*`, `5`, `1,3`, `8..17`, `*\/15`, `0/6`) into values within [min, max]. */
function expandComponent(text: string, min: number, max: number): number[] | undefined {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [base, stepText] = part.split("/");
    if (base === undefined || base === "") return undefined;
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return undefined;
    let from: number;
    let to: number;
    if (base === "*") {
      from = min;
      to = max;
    } else if (/^\d+\.\.\d+$/.test(base)) {
      [from, to] = base.split("..").map(Number) as [number, number];
    } else if (/^\d+$/.test(base)) {
      from = Number(base);
      to = stepText === undefined ? from : max;
    } else {
      return undefined;
    }
    if (from < min || to > max || from > to) return undefined;
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

function expandWeekdays(text: string): Weekday[] | undefined {
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(",")) {
    const [a, b] = part.split("..");
    const from = weekdayNames.indexOf(a as Weekday);
    const to = b === undefined ? from : weekdayNames.indexOf(b as Weekday);
    if (from < 0 || to < 0 || from > to) return undefined;
    for (let d = from; d <= to; d++) days.add(d);
  }
  return [...days].sort((x, y) => x - y).map((d) => weekdayNames[d]!);
}

/** Parses a Proxmox calendar event; returns undefined when the text is not one. */
export function parseCalendarEvent(text: string): CalendarEvent | undefined {
  if (typeof text !== "string") return undefined;
  let source = text.trim();
  source = specials[source.toLowerCase()] ?? source;
  if (source === "") return undefined;
  const tokens = source.split(/\s+/);
  let weekdays: Weekday[] = [...weekdayNames];
  let days = range(1, 31);
  let months = range(1, 12);
  let hours: number[] = [0];
  let minutes: number[] = [0];
  let token = tokens.shift();
  if (token !== undefined && /^[a-z]/i.test(token)) {
    const parsed = expandWeekdays(token);
    if (!parsed) return undefined;
    weekdays = parsed;
    token = tokens.shift();
  }
  if (token !== undefined && token.includes("-")) {
    const parts = token.split("-");
    if (parts.length === 3) {
      if (parts[0] !== "*" && expandComponent(parts[0]!, 1970, 2199) === undefined) return undefined;
      parts.shift();
    }
    if (parts.length !== 2) return undefined;
    const m = expandComponent(parts[0]!, 1, 12);
    const d = expandComponent(parts[1]!, 1, 31);
    if (!m || !d) return undefined;
    months = m;
    days = d;
    token = tokens.shift();
  }
  if (token !== undefined) {
    const parts = token.split(":");
    if (parts.length < 2 || parts.length > 3) return undefined;
    const h = expandComponent(parts[0]!, 0, 23);
    const min = expandComponent(parts[1]!, 0, 59);
    const sec = parts[2] === undefined ? [0] : expandComponent(parts[2], 0, 59);
    if (!h || !min || !sec) return undefined;
    hours = h;
    minutes = min;
    token = tokens.shift();
  }
  if (token !== undefined || tokens.length > 0) return undefined;
  return { weekdays, days, months, hours, minutes };
}

/** Checks a Proxmox calendar event and returns it unchanged. */
export function checkCalendarEvent(fail: Fail, field: string, value: unknown): string {
  if (typeof value !== "string" || parseCalendarEvent(value) === undefined) {
    fail(
      field,
      value,
      'use a Proxmox calendar event such as "daily", "*-*-* 02:00", "sat 03:30", "mon..fri 22:00" or "*-*-01 04:00"',
    );
  }
  return value as string;
}

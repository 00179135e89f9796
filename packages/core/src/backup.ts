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
 * A parsed Proxmox calendar event, as PVE reads it: `[WEEKDAYS] [[YEAR-]MONTH-DAY]
 * [[HOUR:]MINUTE[:SECOND]] [UTC]`, or a word such as `daily`. The grammar is PVE's own
 * (pve-common src/PVE/CalendarEvent.pm hands the trimmed text to the proxmox-time crate,
 * proxmox/proxmox-rs proxmox-time/src/calendar_event.rs, parse_helpers.rs and week_days.rs):
 * - a component is `*`, `*\/STEP`, or a comma list of `N`, `N..M`, `N/STEP`, `N..M/STEP`;
 *   values must be below 2200 (years), 13 (months), 32 (days), 24 (hours), 60 (minutes and
 *   seconds), and a range must not run backwards;
 * - a time with one part is the minute (`*\/15` is every 15 minutes); without a time the
 *   event runs at 00:00:00; seconds default to 0;
 * - weekdays are `mon`..`sun` or their full names in any case, as lists and ranges (a range
 *   that runs backwards, `fri..mon`, is refused as pve-common's test/calendar_event_test.pl
 *   expects);
 * - the words `minutely`, `hourly`, `daily`, `weekly`, `monthly`, `yearly`/`annually`,
 *   `quarterly`, `semiannually`/`semi-annually` are exact (lowercase).
 * Each set is the explicit list of values that match; `years` is undefined when any year does.
 */
export interface CalendarEvent {
  readonly weekdays: readonly Weekday[];
  /** Years that match (from 1970 on), or undefined for every year. A year is never dropped. */
  readonly years?: readonly number[];
  /** Month days that match (1-31), all when the date part is `*` or absent. */
  readonly days: readonly number[];
  readonly months: readonly number[];
  readonly hours: readonly number[];
  readonly minutes: readonly number[];
  readonly seconds: readonly number[];
  /** Computed in UTC (`... UTC`) rather than the node's local time. */
  readonly utc: boolean;
}

/** The longest schedule PVE stores (`schedule` maxLength 128 in /cluster/backup, pve-api-9.1.3.json). */
export const maxCalendarEventLength = 128;

const specials: Record<string, string> = {
  minutely: "*-*-* *:*:00",
  hourly: "*-*-* *:00:00",
  daily: "*-*-* 00:00:00",
  weekly: "mon *-*-* 00:00:00",
  monthly: "*-*-01 00:00:00",
  yearly: "*-01-01 00:00:00",
  annually: "*-01-01 00:00:00",
  quarterly: "*-01,04,07,10-01 00:00:00",
  semiannually: "*-01,07-01 00:00:00",
  "semi-annually": "*-01,07-01 00:00:00",
};

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

const weekdayWords: Record<string, number> = {
  mon: 0, monday: 0, tue: 1, tuesday: 1, wed: 2, wednesday: 2, thu: 3, thursday: 3,
  fri: 4, friday: 4, sat: 5, saturday: 5, sun: 6, sunday: 6,
};

/**
 * Expands one component into the values within [lo, hi] it matches; undefined when PVE would
 * not parse it. `limit` is PVE's exclusive bound on any number written (`max` in
 * parse_time_comp), `start` where `*\/STEP` starts.
 */
function expandComponent(text: string, start: number, limit: number, lo: number, hi: number): number[] | undefined {
  const number = (t: string | undefined) => (t !== undefined && /^\d+$/.test(t) && Number(t) < limit ? Number(t) : undefined);
  const values = new Set<number>();
  const add = (from: number, step: number, to: number) => {
    for (let v = from; v <= Math.min(to, hi); v += step) if (v >= lo) values.add(v);
  };
  if (text === "*") return range(lo, hi);
  if (text.startsWith("*/")) {
    const step = number(text.slice(2));
    if (step === undefined || step === 0) return undefined;
    add(start, step, hi);
    return [...values].sort((a, b) => a - b);
  }
  for (const part of text.split(",")) {
    const m = /^(\d+)(?:\.\.(\d+))?(?:\/(\d+))?$/.exec(part);
    if (!m) return undefined;
    const from = number(m[1]);
    const to = m[2] === undefined ? undefined : number(m[2]);
    const step = m[3] === undefined ? undefined : number(m[3]);
    if (from === undefined || (m[2] !== undefined && (to === undefined || from > to)) || (m[3] !== undefined && step === undefined)) return undefined;
    // A step of 0 matches the start only (DateTimeValue::contains in proxmox-time).
    if (step === undefined || step === 0) add(from, 1, to ?? from);
    else add(from, step, to ?? Number.MAX_SAFE_INTEGER);
  }
  return [...values].sort((a, b) => a - b);
}

function expandWeekdays(text: string): Weekday[] | undefined {
  const days = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^([A-Za-z]+)(?:\.\.([A-Za-z]+))?$/.exec(part);
    if (!m) return undefined;
    const from = weekdayWords[m[1]!.toLowerCase()];
    const to = m[2] === undefined ? from : weekdayWords[m[2].toLowerCase()];
    if (from === undefined || to === undefined || from > to) return undefined;
    for (let d = from; d <= to; d++) days.add(d);
  }
  return [...days].sort((x, y) => x - y).map((d) => weekdayNames[d]!);
}

/** Parses a Proxmox calendar event as PVE does; undefined when PVE would refuse the text. */
export function parseCalendarEvent(text: string): CalendarEvent | undefined {
  if (typeof text !== "string" || text.length > maxCalendarEventLength) return undefined;
  // PVE trims (PVE::Tools::trim: whitespace at both ends); inside, parts are separated by spaces only.
  let source = text.trim();
  let utc = false;
  if (source.endsWith("UTC")) {
    utc = true;
    source = source.slice(0, -3).replace(/ +$/, "");
  }
  source = specials[source] ?? source;
  if (source === "" || /[^\x21-\x7e ]/.test(source)) return undefined;
  const tokens = source.split(/ +/);
  let weekdays: Weekday[] = [...weekdayNames];
  let years: number[] | undefined;
  let days = range(1, 31);
  let months = range(1, 12);
  let hours: number[] = [0];
  let minutes: number[] = [0];
  let seconds: number[] = [0];
  let token = tokens.shift();
  if (token !== undefined && /^[A-Za-z]/.test(token)) {
    const parsed = expandWeekdays(token);
    if (!parsed) return undefined;
    weekdays = parsed;
    token = tokens.shift();
  }
  if (token !== undefined && token.includes("-")) {
    const parts = token.split("-");
    if (parts.length === 3) {
      if (parts[0] !== "*") {
        years = expandComponent(parts[0]!, 0, 2200, 1970, 2199);
        if (years === undefined) return undefined;
      }
      parts.shift();
    }
    if (parts.length !== 2) return undefined;
    const m = expandComponent(parts[0]!, 1, 13, 1, 12);
    const d = expandComponent(parts[1]!, 1, 32, 1, 31);
    if (!m || !d) return undefined;
    months = m;
    days = d;
    token = tokens.shift();
  }
  if (token !== undefined) {
    const parts = token.split(":");
    if (parts.length > 3) return undefined;
    const [h, min, sec] =
      parts.length === 1
        ? [range(0, 23), expandComponent(parts[0]!, 0, 60, 0, 59), [0]]
        : [expandComponent(parts[0]!, 0, 24, 0, 23), expandComponent(parts[1]!, 0, 60, 0, 59), parts[2] === undefined ? [0] : expandComponent(parts[2], 0, 60, 0, 59)];
    if (!h || !min || !sec) return undefined;
    hours = h;
    minutes = min;
    seconds = sec;
    token = tokens.shift();
  }
  if (token !== undefined || tokens.length > 0) return undefined;
  return { weekdays, ...(years === undefined ? {} : { years }), days, months, hours, minutes, seconds, utc };
}

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysIn = (y: number, m: number) => (m === 2 ? (isLeap(y) ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
/** ISO weekday index (0 = Monday) of a date, by Zeller-free day counting from 1970-01-01 (a Thursday). */
function weekdayOf(y: number, m: number, d: number): number {
  const days = Date.UTC(y, m - 1, d) / 86_400_000;
  return (((days + 3) % 7) + 7) % 7;
}

/**
 * The first date (UTC calendar) on or after `from` whose year, month, day and weekday the
 * event matches, or undefined when there is none before 2200 (PVE's last year). Every time
 * of day an event names exists, so an event fires exactly when such a date exists.
 */
export function nextCalendarEventDate(event: CalendarEvent, from: Date): { year: number; month: number; day: number } | undefined {
  const startYear = from.getUTCFullYear();
  const startKey = startYear * 10_000 + (from.getUTCMonth() + 1) * 100 + from.getUTCDate();
  const weekdays = new Set(event.weekdays.map((w) => weekdayNames.indexOf(w)));
  const years = event.years ?? range(startYear, 2199);
  for (const year of years) {
    if (year < startYear) continue;
    for (const month of event.months) {
      for (const day of event.days) {
        if (day > daysIn(year, month) || year * 10_000 + month * 100 + day < startKey) continue;
        if (weekdays.has(weekdayOf(year, month, day))) return { year, month, day };
      }
    }
  }
  return undefined;
}

const calendarEventHelp =
  'use a Proxmox calendar event such as "daily", "*-*-* 02:00", "sat 03:30", "mon..fri 22:00" or "*-*-01 04:00"';

/**
 * Checks a Proxmox calendar event and returns it unchanged. Refused: what PVE would not
 * parse, and an event that can never fire again (`*-02-30`, `*-04-31`, `mon 2026-01-01`
 * when that day is a Thursday, a year that has passed). `now` is the day the check counts
 * from; the day before it still counts, because the node's time zone is not known here.
 */
export function checkCalendarEvent(fail: Fail, field: string, value: unknown, now: Date = new Date()): string {
  const event = typeof value === "string" ? parseCalendarEvent(value) : undefined;
  if (event === undefined) fail(field, value, calendarEventHelp);
  const from = new Date(now.getTime() - 86_400_000);
  if (nextCalendarEventDate(event!, from) === undefined) {
    fail(field, value, `this event never fires (no date from ${from.toISOString().slice(0, 10)} to the year 2199 matches its year, month, day and weekday); ${calendarEventHelp}`);
  }
  return value as string;
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkCalendarEvent, maxCalendarEventLength, nextCalendarEventDate, parseCalendarEvent, weekdayNames } from "./backup.js";
import { HearthValidationError, failFor } from "./errors.js";

const fail = failFor("BackupPolicy", "nightly");
const runs = { numRuns: 300 };
const now = new Date("2026-11-27T12:00:00Z");

/** A component of PVE's grammar within [lo, max): `*`, `*\/s`, or a list of N, N..M, N/s, N..M/s. */
const componentArb = (lo: number, max: number) =>
  fc.oneof(
    fc.constant("*"),
    fc.integer({ min: 1, max: Math.max(1, max - 1) }).map((s) => `*/${s}`),
    fc
      .array(
        fc.oneof(
          fc.integer({ min: lo, max: max - 1 }).map(String),
          fc.tuple(fc.integer({ min: lo, max: max - 1 }), fc.integer({ min: lo, max: max - 1 })).map(([a, b]) => `${Math.min(a, b)}..${Math.max(a, b)}`),
          fc.tuple(fc.integer({ min: lo, max: max - 1 }), fc.integer({ min: 1, max: max - 1 })).map(([a, s]) => `${a}/${s}`),
        ),
        { minLength: 1, maxLength: 3 },
      )
      .map((parts) => parts.join(",")),
  );

const weekdayArb = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 6 }), fc.boolean()), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.map(([a, b, long]) => (a === b ? weekdayNames[a]! : `${weekdayNames[Math.min(a, b)]!}..${weekdayNames[Math.max(a, b)]!}`) + (long ? "" : "")).join(","));

/** Valid PVE calendar events, by PVE's grammar (proxmox-time calendar_event.rs). */
const eventArb = fc
  .record({
    weekdays: fc.option(weekdayArb, { nil: undefined }),
    year: fc.option(componentArb(2026, 2200), { nil: undefined }),
    date: fc.option(fc.tuple(componentArb(1, 13), componentArb(1, 32)), { nil: undefined }),
    time: fc.option(fc.tuple(fc.option(componentArb(0, 24), { nil: undefined }), componentArb(0, 60), fc.option(componentArb(0, 60), { nil: undefined })), { nil: undefined }),
    utc: fc.boolean(),
  })
  .filter((e) => e.weekdays !== undefined || e.date !== undefined || e.time !== undefined)
  .map((e) => {
    const date = e.date === undefined ? undefined : `${e.year === undefined ? "" : `${e.year}-`}${e.date[0]}-${e.date[1]}`;
    // `[HOUR:]MINUTE[:SECOND]`: with two parts PVE reads HOUR:MINUTE, so seconds need an hour.
    const time = e.time === undefined ? undefined : e.time[0] === undefined ? e.time[1] : [e.time[0], e.time[1], e.time[2]].filter((p) => p !== undefined).join(":");
    return { ...e, text: [e.weekdays, date, time, e.utc ? "UTC" : undefined].filter((p) => p !== undefined).join(" ") };
  });

/** A brute-force reference: walk real days with Date until one matches (or the year 2200). */
function firesByWalking(text: string, from: Date): boolean {
  const event = parseCalendarEvent(text)!;
  const weekdayIso = (d: Date) => (d.getUTCDay() + 6) % 7;
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t < Date.UTC(2200, 0, 1); t += 86_400_000) {
    const d = new Date(t);
    if (event.years !== undefined && !event.years.includes(d.getUTCFullYear())) {
      // Jump to the next allowed year, if any.
      const next = event.years.find((y) => y > d.getUTCFullYear());
      if (next === undefined) return false;
      t = Date.UTC(next, 0, 1) - 86_400_000;
      continue;
    }
    if (event.months.includes(d.getUTCMonth() + 1) && event.days.includes(d.getUTCDate()) && event.weekdays.includes(weekdayNames[weekdayIso(d)]!)) return true;
  }
  return false;
}

describe("calendar events, as PVE parses them", () => {
  it("accepts every event of PVE's grammar that fires, and refuses exactly those that never do", () => {
    fc.assert(
      fc.property(eventArb, ({ text }) => {
        expect(parseCalendarEvent(text), text).toBeDefined();
        const fires = firesByWalking(text, new Date(now.getTime() - 86_400_000));
        if (fires) expect(checkCalendarEvent(fail, "schedule", text, now)).toBe(text);
        else expect(() => checkCalendarEvent(fail, "schedule", text, now)).toThrow(/never fires/);
      }),
      runs,
    );
  });

  it("never drops a year: the parsed event keeps exactly the years written", () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1970, max: 2199 }).filter((y) => y !== 2026), { minLength: 1, maxLength: 4 }), fc.constantFrom("*-*", "01-01", "*-15"), (years, rest) => {
        const event = parseCalendarEvent(`${years.join(",")}-${rest} 02:00`)!;
        expect(event.years).toEqual([...years].sort((a, b) => a - b));
        const future = years.filter((y) => y > 2026);
        if (future.length === 0) expect(() => checkCalendarEvent(fail, "schedule", `${years.join(",")}-${rest} 02:00`, now)).toThrow(/never fires/);
        else expect(nextCalendarEventDate(event, now)?.year).toBe(Math.min(...future));
      }),
      runs,
    );
  });

  it("refuses a day that no month in the event has", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.tuple(fc.constant([2]), fc.integer({ min: 30, max: 31 })),
          fc.tuple(fc.subarray([4, 6, 9, 11], { minLength: 1 }), fc.constant(31)),
        ),
        fc.option(weekdayArb, { nil: undefined }),
        fc.constantFrom("", " 02:00", " *:0/15", " 23:59:59"),
        ([months, day], weekdays, time) => {
          const text = `${weekdays === undefined ? "" : `${weekdays} `}*-${months.map((m) => String(m).padStart(2, "0")).join(",")}-${day}${time}`;
          expect(() => checkCalendarEvent(fail, "schedule", text, now)).toThrow(HearthValidationError);
          expect(() => checkCalendarEvent(fail, "schedule", text, now)).toThrow(/never fires/);
        },
      ),
      runs,
    );
  });

  it("refuses any number past PVE's bound for its place", () => {
    const outOfRange = fc.oneof(
      fc.integer({ min: 24, max: 999 }).map((h) => `*-*-* ${h}:00`),
      fc.integer({ min: 60, max: 999 }).map((m) => `*-*-* 01:${m}`),
      fc.integer({ min: 60, max: 999 }).map((s) => `*-*-* 01:00:${s}`),
      fc.integer({ min: 13, max: 999 }).map((m) => `*-${m}-01`),
      fc.integer({ min: 32, max: 999 }).map((d) => `*-01-${d}`),
      fc.integer({ min: 2200, max: 99999 }).map((y) => `${y}-01-01`),
      fc.integer({ min: 60, max: 999 }).map((m) => `mon ${m}`),
      fc.tuple(fc.integer({ min: 1, max: 23 }), fc.integer({ min: 0, max: 22 })).map(([a, b]) => `*-*-* ${Math.max(a, b + 1)}..${Math.min(a, b)}:00`),
    );
    fc.assert(
      fc.property(outOfRange, fc.constantFrom("", "mon ", "sat..sun "), (text, prefix) => {
        expect(parseCalendarEvent(prefix + text)).toBeUndefined();
        expect(() => checkCalendarEvent(fail, "schedule", prefix + text, now)).toThrow(/Proxmox calendar event/);
      }),
      runs,
    );
  });

  it("refuses separators, control characters and anything longer than PVE stores", () => {
    fc.assert(
      fc.property(eventArb, fc.constantFrom("\n", "\r", "\t", "\u0000", ";", "=", "\u2028", "\u00a0"), fc.nat(), ({ text }, bad, at) => {
        const i = at % (text.length + 1);
        const broken = text.slice(0, i) + bad + text.slice(i);
        // A separator at either end is trimmed by PVE (whitespace) or is not PVE syntax.
        if (broken.trim() !== text) expect(parseCalendarEvent(broken)).toBeUndefined();
      }),
      runs,
    );
    expect(parseCalendarEvent(`${"0,".repeat(64)}0`)).toBeUndefined();
    expect(`${"0,".repeat(64)}0`.length).toBeGreaterThan(maxCalendarEventLength);
  });
});

describe("calendar events: examples from PVE's grammar", () => {
  it.each([
    ["*/10", { hours: 24, minutes: [0, 10, 20, 30, 40, 50] }],
    ["*", { hours: 24, minutes: 60 }],
    ["mon */15", { hours: 24, minutes: [0, 15, 30, 45] }],
    ["22/1:0", { hours: [22, 23], minutes: [0] }],
    ["daily UTC", { hours: [0], minutes: [0], utc: true }],
    ["semi-annually", { hours: [0], minutes: [0] }],
  ])("reads %s like PVE", (text, expected) => {
    const event = parseCalendarEvent(text)!;
    expect(event).toBeDefined();
    if (typeof expected.hours === "number") expect(event.hours).toHaveLength(expected.hours);
    else expect(event.hours).toEqual(expected.hours);
    if (typeof expected.minutes === "number") expect(event.minutes).toHaveLength(expected.minutes);
    else expect(event.minutes).toEqual(expected.minutes);
    if ("utc" in expected) expect(event.utc).toBe(true);
  });

  it.each(["Daily", "*-02-30", "*-04-31 02:00", "mon 2027-01-01", "2025-*-* 02:00", "*-*-00", "*-00-01"])("refuses %j", (text) => {
    expect(() => checkCalendarEvent(fail, "schedule", text, now)).toThrow(HearthValidationError);
  });

  it("honours an event that fires rarely (a Monday 29 February)", () => {
    expect(checkCalendarEvent(fail, "schedule", "mon *-02-29 03:00", now)).toBe("mon *-02-29 03:00");
    expect(nextCalendarEventDate(parseCalendarEvent("mon *-02-29 03:00")!, now)).toEqual({ year: 2044, month: 2, day: 29 });
  });
});

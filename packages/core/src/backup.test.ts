import { describe, expect, it } from "vitest";
import { checkCalendarEvent, checkRetention, parseCalendarEvent, retentionToPruneMap } from "./backup.js";
import { HearthValidationError, failFor } from "./errors.js";

const fail = failFor("BackupPolicy", "nightly");

describe("parseCalendarEvent", () => {
  it.each([
    ["daily", { weekdays: 7, hours: [0], minutes: [0] }],
    ["*-*-* 02:00", { weekdays: 7, hours: [2], minutes: [0] }],
    ["sat 03:30", { weekdays: ["sat"], hours: [3], minutes: [30] }],
    ["mon..fri 22:00", { weekdays: ["mon", "tue", "wed", "thu", "fri"], hours: [22], minutes: [0] }],
    ["sun,wed 1:15", { weekdays: ["wed", "sun"], hours: [1], minutes: [15] }],
    ["*/6:00", { weekdays: 7, hours: [0, 6, 12, 18], minutes: [0] }],
    ["02:00", { weekdays: 7, hours: [2], minutes: [0] }],
    ["weekly", { weekdays: ["mon"], hours: [0], minutes: [0] }],
    ["*-*-01 04:00", { weekdays: 7, hours: [4], minutes: [0] }],
    ["2026-*-* 8..17:0/30", { weekdays: 7, hours: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17], minutes: [0, 30] }],
  ])("parses %s", (text, expected) => {
    const event = parseCalendarEvent(text)!;
    expect(event).toBeDefined();
    if (typeof expected.weekdays === "number") expect(event.weekdays).toHaveLength(expected.weekdays);
    else expect(event.weekdays).toEqual(expected.weekdays);
    expect(event.hours).toEqual(expected.hours);
    expect(event.minutes).toEqual(expected.minutes);
  });

  it("reads month days from the date part", () => {
    expect(parseCalendarEvent("*-*-01 04:00")?.days).toEqual([1]);
    expect(parseCalendarEvent("quarterly")?.months).toEqual([1, 4, 7, 10]);
  });

  it.each(["", "nightly", "25:00", "*-*-* 02:60", "funday 02:00", "fri..mon 02:00", "*-13-01", "02:00 extra", "*-*-32 01:00", "*/0:00"])(
    "refuses %j",
    (text) => {
      expect(parseCalendarEvent(text)).toBeUndefined();
      expect(() => checkCalendarEvent(fail, "schedule", text)).toThrow(/BackupPolicy "nightly": schedule .* Proxmox calendar event/);
    },
  );
});

describe("retention", () => {
  it("maps to Proxmox prune-backups keys, leaving zeros out", () => {
    const retention = checkRetention(fail, "retention", { keepDaily: 7, keepWeekly: 4, keepMonthly: 6, keepLast: 0 });
    expect(retentionToPruneMap(retention)).toEqual({ "keep-daily": "7", "keep-weekly": "4", "keep-monthly": "6" });
  });

  it.each([
    [{}, /keep at least one backup/],
    [{ keepDaily: 0 }, /keep at least one backup/],
    [{ keepDaily: -1 }, /retention\.keepDaily/],
    [{ keepDaily: 1.5 }, /retention\.keepDaily/],
    [{ keepForever: 1 }, /retention keys are/],
    [undefined, /give a retention/],
  ])("refuses %j", (retention, message) => {
    expect(() => checkRetention(fail, "retention", retention as never)).toThrow(HearthValidationError);
    expect(() => checkRetention(fail, "retention", retention as never)).toThrow(message);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor, weekdayNames } from "@hearth/core";
import { doBackupHours, toDropletBackupPolicy } from "./backups.js";

const fail = failFor("BackupPolicy", "droplets");
const runs = { numRuns: 300 };

describe("DigitalOcean backup schedules from calendar events", () => {
  it("maps exactly the events DigitalOcean runs, daily or on one weekday, on a window hour", () => {
    fc.assert(
      fc.property(fc.option(fc.constantFrom(...weekdayNames), { nil: undefined }), fc.constantFrom(...doBackupHours), fc.boolean(), (weekday, hour, utc) => {
        const text = `${weekday === undefined ? "" : `${weekday} `}*-*-* ${String(hour).padStart(2, "0")}:00${utc ? " UTC" : ""}`;
        expect(toDropletBackupPolicy(fail, "schedule", text)).toEqual(
          weekday === undefined ? { plan: "daily", hour } : { plan: "weekly", hour, weekday: weekday.toUpperCase() },
        );
      }),
      runs,
    );
  });

  it("refuses any part DigitalOcean cannot honour (a year, a month, a day, minutes, seconds) instead of dropping it", () => {
    const extra = fc.oneof(
      fc.integer({ min: 2027, max: 2199 }).map((y) => ({ date: `${y}-*-*`, time: "00" })),
      fc.integer({ min: 1, max: 12 }).map((m) => ({ date: `*-${m}-*`, time: "00" })),
      fc.integer({ min: 1, max: 28 }).map((d) => ({ date: `*-*-${d}`, time: "00" })),
      fc.integer({ min: 1, max: 59 }).map((m) => ({ date: "*-*-*", time: String(m).padStart(2, "0") })),
      fc.integer({ min: 1, max: 59 }).map((s) => ({ date: "*-*-*", time: `00:${String(s).padStart(2, "0")}` })),
    );
    fc.assert(
      fc.property(extra, fc.constantFrom(...doBackupHours), ({ date, time }, hour) => {
        const text = `${date} ${hour}:${time}`;
        expect(() => toDropletBackupPolicy(fail, "schedule", text)).toThrow(HearthValidationError);
        expect(() => toDropletBackupPolicy(fail, "schedule", text)).toThrow(/DigitalOcean backs up daily or weekly/);
      }),
      runs,
    );
  });
});

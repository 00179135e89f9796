import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor } from "@hearth/core";
import { checkRegion, doRegions, resolveDropletSize } from "./catalog.js";
import { checkDoRetention, toDropletBackupPolicy } from "./backups.js";
import { doTags } from "./labels.js";
import { installMocks, presets } from "@hearth/kit/testing";

installMocks({ answers: presets.digitalocean }); // the stack is "test"

const fail = failFor("VmFromTemplate", "web");

describe("resolveDropletSize", () => {
  it.each<[unknown, string]>([
    ["s-1vcpu-1gb", "s-1vcpu-1gb"],
    ["c-2", "c-2"],
    ["so1_5-2vcpu-16gb", "so1_5-2vcpu-16gb"],
    ["nano", "s-1vcpu-512mb-10gb"],
    ["small", "s-1vcpu-2gb"],
    ["medium", "s-2vcpu-4gb"],
    ["large", "s-4vcpu-8gb"],
    ["xlarge", "s-8vcpu-16gb"],
    [{ cores: 2, memoryMb: 1024 }, "s-2vcpu-2gb"],
  ])("maps %j to %s", (size, slug) => {
    expect(resolveDropletSize(fail, "size", size as string)).toBe(slug);
  });

  it.each<[unknown, RegExp]>([
    ["cx22", /size slug such as s-1vcpu-1gb/],
    ["S-1VCPU-1GB", /size slug/],
    [{ cores: 32, memoryMb: 1024 }, /largest mapped size is s-8vcpu-16gb/],
  ])("refuses %j", (size, message) => {
    expect(() => resolveDropletSize(fail, "size", size as string)).toThrow(HearthValidationError);
    expect(() => resolveDropletSize(fail, "size", size as string)).toThrow(message);
  });
});

describe("regions", () => {
  it("accepts the documented regions", () => {
    for (const region of doRegions) expect(checkRegion(fail, "region", region)).toBe(region);
    expect(doRegions).toHaveLength(12);
  });
  it.each(["fsn1", "ams2", "NYC1", ""])("refuses %j", (region) => {
    expect(() => checkRegion(fail, "region", region)).toThrow(/region .* is not valid; use one of "nyc1"/);
  });
});

describe("toDropletBackupPolicy", () => {
  it.each<[unknown, object]>([
    ["*-*-* 04:00", { plan: "daily", hour: 4 }],
    ["daily", { plan: "daily", hour: 0 }],
    ["weekly", { plan: "weekly", hour: 0, weekday: "MON" }],
    ["sun 20:00", { plan: "weekly", hour: 20, weekday: "SUN" }],
    ["mon..sun 08:00", { plan: "daily", hour: 8 }],
    [{ plan: "weekly", hour: 12, weekday: "SAT" }, { plan: "weekly", hour: 12, weekday: "SAT" }],
    [{ plan: "daily", hour: 16 }, { plan: "daily", hour: 16 }],
  ])("maps %j", (schedule, policy) => {
    expect(toDropletBackupPolicy(fail, "schedule", schedule as string)).toEqual(policy);
  });

  it.each<[unknown, RegExp]>([
    ["*-*-* 02:00", /window starting at 0, 4, 8, 12, 16 or 20/],
    ["*-*-* 04:30", /4-hour window/],
    ["sat,sun 04:00", /daily or weekly \(on one weekday\)/],
    ["*-*-01 04:00", /daily or weekly/],
    ["*-*-* 00,12:00", /4-hour window/],
    ["not a schedule", /calendar event such as/],
    [{ plan: "monthly", hour: 0 }, /schedule.plan "monthly"/],
    [{ plan: "daily", hour: 3 }, /schedule.hour 3/],
    [{ plan: "weekly", hour: 4 }, /schedule.weekday.*SUN, MON/],
    [{ plan: "weekly", hour: 4, weekday: "sunday" }, /schedule.weekday "sunday"/],
    [{ plan: "daily", hour: 4, weekday: "SUN" }, /remove weekday/],
  ])("refuses %j, saying what DigitalOcean can do", (schedule, message) => {
    expect(() => toDropletBackupPolicy(fail, "schedule", schedule as string)).toThrow(HearthValidationError);
    expect(() => toDropletBackupPolicy(fail, "schedule", schedule as string)).toThrow(message);
  });
});

describe("checkDoRetention", () => {
  it("accepts exactly what the plan keeps", () => {
    expect(checkDoRetention(fail, "retention", "daily", undefined)).toEqual({ keepDaily: 7 });
    expect(checkDoRetention(fail, "retention", "weekly", undefined)).toEqual({ keepWeekly: 4 });
    expect(() => checkDoRetention(fail, "retention", "daily", { keepLast: 7 })).not.toThrow();
    expect(() => checkDoRetention(fail, "retention", "weekly", { keepWeekly: 4 })).not.toThrow();
  });
  it.each<["daily" | "weekly", object, RegExp]>([
    ["daily", { keepDaily: 14 }, /keeps 7 daily backups/],
    ["daily", { keepWeekly: 4 }, /keeps 7 daily backups/],
    ["weekly", { keepWeekly: 4, keepMonthly: 6 }, /keeps 4 weekly backups/],
  ])("refuses a %s plan with %j", (plan, retention, message) => {
    expect(() => checkDoRetention(fail, "retention", plan, retention)).toThrow(message);
  });
});

describe("doTags", () => {
  it("flattens Hearth's and the user's labels into sorted tags, then adds the user's tags", () => {
    expect(doTags(fail, "VmFromTemplate", { env: "lab" }, ["team:ops"])).toEqual([
      "env-lab",
      "hearth-component-vmfromtemplate",
      "hearth-managed-by-hearth",
      "hearth-stack-test",
      "team:ops",
    ]);
  });
  it("refuses a tag DigitalOcean would reject", () => {
    expect(() => doTags(fail, "VmFromTemplate", {}, ["has space"])).toThrow(/tags\[0\]/);
  });
});

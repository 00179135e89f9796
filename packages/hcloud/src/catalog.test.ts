import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor } from "@hearth/core";
import { checkLocation, networkZoneOf, resolveServerType } from "./catalog.js";
import { checkHcloudRetention, checkHcloudSchedule } from "./backups.js";

const fail = failFor("VmFromTemplate", "web");

describe("resolveServerType", () => {
  it.each<[unknown, string]>([
    ["cx23", "cx23"],
    ["cpx22", "cpx22"],
    ["cax41", "cax41"],
    ["ccx13", "ccx13"],
    ["nano", "cx23"],
    ["medium", "cx23"],
    ["large", "cx33"],
    ["xlarge", "cx43"],
    [{ cores: 3, memoryMb: 4096 }, "cx33"],
    [{ cores: 2, memoryMb: 9000 }, "cx43"],
  ])("maps %j to %s", (size, type) => {
    expect(resolveServerType(fail, "size", size as string)).toBe(type);
  });

  it.each<[unknown, RegExp]>([
    ["t2.micro", /server type such as cx23/],
    ["s-1vcpu-1gb", /server type such as cx23/],
    ["CX22", /server type/],
    [{ cores: 64, memoryMb: 1024 }, /largest mapped type is cx43/],
    [{ cores: 0, memoryMb: 1024 }, /size.cores/],
  ])("refuses %j", (size, message) => {
    expect(() => resolveServerType(fail, "size", size as string)).toThrow(HearthValidationError);
    expect(() => resolveServerType(fail, "size", size as string)).toThrow(message);
  });
});

describe("locations", () => {
  it("accepts every Hetzner location and knows its network zone", () => {
    for (const location of ["fsn1", "nbg1", "hel1", "ash", "hil", "sin"] as const) {
      expect(checkLocation(fail, "location", location)).toBe(location);
      expect(networkZoneOf[location]).toMatch(/^(eu-central|us-east|us-west|ap-southeast)$/);
    }
  });

  it.each(["ams3", "FSN1", "fsn2", ""])("refuses %j", (location) => {
    expect(() => checkLocation(fail, "location", location)).toThrow(/location .* is not valid; use one of "fsn1"/);
  });
});

describe("hcloud backup retention", () => {
  it.each([undefined, { keepLast: 7 }, { keepDaily: 7 }, { keepDaily: 7, keepWeekly: 0 }])("accepts %j", (retention) => {
    expect(() => checkHcloudRetention(fail, "retention", retention)).not.toThrow();
  });

  it.each([{ keepDaily: 14 }, { keepLast: 3 }, { keepDaily: 7, keepWeekly: 4 }, { keepMonthly: 7 }])("refuses %j, saying what Hetzner does", (retention) => {
    expect(() => checkHcloudRetention(fail, "retention", retention)).toThrow(/once a day, in a window Hetzner picks, and keeps the last 7/);
  });

  it("refuses any schedule but \"daily\"", () => {
    expect(() => checkHcloudSchedule(fail, "schedule", "daily")).not.toThrow();
    expect(() => checkHcloudSchedule(fail, "schedule", "*-*-* 02:00")).toThrow(/window Hetzner picks/);
    expect(() => checkHcloudSchedule(fail, "schedule", undefined)).not.toThrow();
  });
});

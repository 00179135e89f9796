import { describe, expect, it } from "vitest";
import { coverage, explainMisses, findApproval, globToRegExp, parseApprovals, urnMatches, type Approval } from "./approvals.js";

const vmUrn = "urn:pulumi:home::hearth-home::hearth:proxmox:VmFromTemplate$proxmoxve:index/vmLegacy:VmLegacy::db-1";
const base = {
  by: "alice",
  at: "2026-11-20T09:00:00Z",
  reference: "CHG-1042",
  resources: ["urn:pulumi:home::*::*VmLegacy::db-*"],
  expires: "2026-11-27T09:00:00Z",
};
const one = (raw: object): Approval => {
  const parsed = parseApprovals([raw]);
  expect(parsed.problems).toEqual([]);
  return parsed.approvals[0]!;
};

describe("parseApprovals", () => {
  it("accepts a complete approval", () => {
    const a = one(base);
    expect(a.by).toBe("alice");
    expect(a.expires.toISOString()).toBe("2026-11-27T09:00:00.000Z");
  });

  it.each([
    ["missing by", { ...base, by: undefined }, "by"],
    ["blank reference", { ...base, reference: " " }, "reference"],
    ["bad date", { ...base, at: "yesterday" }, "at"],
    ["impossible date", { ...base, expires: "2026-13-45T00:00:00Z" }, "expires"],
    ["empty resources", { ...base, resources: [] }, "resources"],
    ["non-string pattern", { ...base, resources: [42] }, "resources"],
    ["expires before at", { ...base, expires: "2026-11-19T00:00:00Z" }, "expires after at"],
    ["unknown change kind", { ...base, changes: ["explode"] }, "changes"],
  ])("drops a malformed entry (%s) and says why", (_, raw, word) => {
    const parsed = parseApprovals([raw, base]);
    expect(parsed.approvals).toHaveLength(1);
    expect(parsed.problems).toHaveLength(1);
    expect(parsed.problems[0]).toContain("approvals[0]");
    expect(parsed.problems[0]).toContain(word);
  });

  it("drops non-objects and reports a non-list", () => {
    expect(parseApprovals(["x", null, [1]]).problems).toHaveLength(3);
    expect(parseApprovals({ by: "a" }).problems[0]).toContain("must be a list");
    expect(parseApprovals(undefined)).toEqual({ approvals: [], problems: [] });
  });
});

describe("glob matching", () => {
  it.each([
    ["urn:pulumi:home::*::*VmLegacy::db-*", vmUrn, true],
    ["urn:pulumi:home::*::*VmLegacy::db-?", vmUrn, true],
    ["urn:pulumi:home::*::*VmLegacy::db-", vmUrn, false],
    ["urn:pulumi:cloud::*", vmUrn, false],
    [vmUrn, vmUrn, true],
    ["*", vmUrn, true],
    // regex metacharacters in URNs ($, ., |) are literal
    ["urn:pulumi:home::hearth-home::hearth:proxmox:VmFromTemplate$proxmoxve:index/vmLegacy:VmLegacy::db.1", vmUrn, false],
    ["*VmFromTemplate$proxmoxve*", vmUrn, true],
  ])("%s matches? %s", (pattern, urn, expected) => {
    expect(urnMatches(pattern, urn)).toBe(expected);
  });

  it("anchors the pattern", () => {
    expect(globToRegExp("db-*").test("xdb-1")).toBe(false);
  });
});

describe("coverage and expiry", () => {
  const a = one(base);
  const target = { urn: vmUrn, change: "replace" as const };

  it("covers inside the window", () => {
    expect(coverage(a, target, new Date("2026-11-22T00:00:00Z"))).toBe("covers");
  });
  it("counts from the approval instant itself", () => {
    expect(coverage(a, target, new Date("2026-11-20T09:00:00Z"))).toBe("covers");
  });
  it("is not valid before it was given", () => {
    expect(coverage(a, target, new Date("2026-11-20T08:59:59.999Z"))).toBe("not-yet-valid");
  });
  it("has expired at exactly the expiry instant", () => {
    expect(coverage(a, target, new Date("2026-11-27T09:00:00Z"))).toBe("expired");
    expect(coverage(a, target, new Date("2026-11-27T08:59:59.999Z"))).toBe("covers");
  });
  it("does not cover other resources", () => {
    expect(coverage(a, { urn: vmUrn.replace("db-1", "web-1"), change: "replace" }, new Date("2026-11-22T00:00:00Z"))).toBe("no-matching-resource");
  });
  it("limits the kinds of change when `changes` is given", () => {
    const onlyUpdates = one({ ...base, changes: ["update"] });
    expect(coverage(onlyUpdates, target, new Date("2026-11-22T00:00:00Z"))).toBe("change-not-covered");
  });
  it("findApproval picks a covering approval and explains the misses", () => {
    const expired = one({ ...base, reference: "CHG-1", expires: "2026-11-21T00:00:00Z" });
    const now = new Date("2026-11-22T00:00:00Z");
    expect(findApproval([expired], target, now)).toBeUndefined();
    expect(findApproval([expired, a], target, now)?.reference).toBe("CHG-1042");
    expect(explainMisses([expired], target, now)[0]).toContain("CHG-1 by alice: expired");
  });
});

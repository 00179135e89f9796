import { describe, expect, it } from "vitest";
import { removeVmidFromJob } from "./backup.js";

describe("removeVmidFromJob (pve-guest-common VZDump/Plugin.pm remove_vmid_from_job)", () => {
  it.each([
    ["drops the id from a vmid list", { id: "a", vmid: "100,101,102" }, { id: "a", vmid: "100,102" }],
    ["keeps a job that does not name the id", { id: "a", vmid: "100" }, { id: "a", vmid: "100" }],
    ["deletes a job whose list becomes empty", { id: "a", vmid: "101" }, undefined],
    ["splits lists like split_list (commas, semicolons, spaces)", { id: "a", vmid: "100; 101 102" }, { id: "a", vmid: "100,102" }],
    ["removes the id from an all-guests job's exclude list", { id: "a", all: 1, exclude: "101,103" }, { id: "a", all: 1, exclude: "103" }],
    ["drops an exclude list left empty, keeping the job", { id: "a", all: 1, exclude: "101" }, { id: "a", all: 1 }],
  ])("%s", (_what, job, expected) => {
    expect(removeVmidFromJob(job, 101)).toEqual(expected);
  });
});

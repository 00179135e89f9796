import { describe, expect, it } from "vitest";
import { defaultClonesPerStorage } from "@hearth/proxmox";
import { componentClonesPerStorage } from "./programs.js";
import { collisionsOf, failuresOf, isIdFailure, lowerBoundMs, messageCounts, type ClonesModel } from "./clones.js";

const model: ClonesModel = { diskGb: 10, bandwidthMiBps: 2048, allocMs: 500, allocsPerVm: 2, taskMs: 1000, tasksPerVm: 2, bootMs: 3000, sandbox: {} };

describe("lowerBoundMs", () => {
  it("is the copy of every byte at the storage's bandwidth plus one VM's allocations, tasks and boot", () => {
    // 20 x 10 GiB at 2 GiB/s = 100 s, + 2 x 0.5 s + 2 x 1 s + 3 s.
    expect(lowerBoundMs(model, 20)).toBe(106_000);
    expect(lowerBoundMs(model, 1)).toBe(11_000);
  });

  it("runs timeScale times as long as the real-world durations", () => {
    expect(lowerBoundMs({ ...model, sandbox: { timeScale: 0.1 } }, 20)).toBe(10_600);
  });
});

describe("failuresOf", () => {
  const output = [
    "+  proxmoxve:index:VmLegacy vm-00 creating (0s)",
    '+  proxmoxve:index:VmLegacy vm-03 creating (12s) error:   sdk-v2/provider2.go:571: sdk.helper_schema: VM clone: task "UPID:pve:00001001:00EF0EF0:6B0489EF:qmclone:9000:root@pam!hearth-sandbox:" failed to complete with exit code: can\'t lock file \'/var/lock/pve-manager/pve-storage-local-lvm\' - got timeout',
    "+  proxmoxve:index:VmLegacy vm-03 creating (12s) error: 1 error occurred:",
    "+  proxmoxve:index:VmLegacy vm-03 **creating failed (12s)** error: 1 error occurred:",
    "+  proxmoxve:index:VmLegacy vm-05 **creating failed** error: 1 error occurred:",
    "+  proxmoxve:index:VmLegacy vm-00 created (20s)",
    "+  hearth:proxmox:VmFromTemplate vm-03 **creating failed** error: 1 error occurred:",
    "+  pulumi:pulumi:Stack hearth-clones-raw-0-bench **creating failed** error: update failed",
    "Diagnostics:",
    "  hearth:proxmox:VmFromTemplate (vm-03):",
    "    error: 1 error occurred:",
    "  proxmoxve:index:VmLegacy (vm-07):",
    "    error: 1 error occurred:",
    "    \t* can't lock file '/var/lock/qemu-server/lock-20017.conf' - got timeout",
    "",
    "  pulumi:pulumi:Stack (hearth-clones-raw-0-bench):",
    "    error: update failed",
  ].join("\n");

  it("finds each failed resource once, with the provider's message", () => {
    expect(failuresOf(output)).toEqual([
      { resource: "vm-03", message: 'VM clone: task "UPID:…" failed to complete with exit code: can\'t lock file \'/var/lock/pve-manager/pve-storage-local-lvm\' - got timeout' },
      { resource: "vm-05", message: "(no message printed)" },
      { resource: "vm-07", message: "can't lock file '/var/lock/qemu-server/lock-20017.conf' - got timeout" },
    ]);
  });

  it("finds nothing in a clean run", () => {
    expect(failuresOf("+  proxmoxve:index:VmLegacy vm-00 created (20s)\nResources:\n    + 21 created")).toEqual([]);
  });

  it("counts distinct messages, ids folded", () => {
    const counts = messageCounts([
      { resource: "a", message: "can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout" },
      { resource: "b", message: "can't lock file '/var/lock/qemu-server/lock-102.conf' - got timeout" },
      { resource: "c", message: "other" },
    ]);
    expect(counts).toEqual([
      { message: "can't lock file '/var/lock/qemu-server/lock-<n>.conf' - got timeout", count: 2 },
      { message: "other", count: 1 },
    ]);
  });
});

describe("collisions", () => {
  it.each([
    ["can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout", true],
    ["unable to create VM 101: config file already exists", true],
    ["can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout", false],
    ["can't lock file '/var/lock/qemu-server/lock-9000.conf' - got timeout", false],
  ])("%s is an id failure: %s", (message, expected) => {
    expect(isIdFailure(message)).toBe(expected);
  });

  it("counts ids both stacks hold and id failures", () => {
    expect(collisionsOf([100, 101, 102], [102, 103], [{ resource: "b-01", message: "unable to create VM 101: config file already exists" }])).toEqual({
      sharedIds: [102],
      idFailures: 1,
      collisions: 2,
    });
    expect(collisionsOf([20001, 20002], [21001], [])).toEqual({ sharedIds: [], idFailures: 0, collisions: 0 });
  });
});

describe("the overhead benchmark's raw program", () => {
  it("uses VmFromTemplate's default clone lanes, so both programs register the same edges", () => {
    expect(componentClonesPerStorage).toBe(defaultClonesPerStorage);
  });
});

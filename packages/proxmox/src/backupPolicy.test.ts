import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BackupPolicy, type BackupPolicyArgs } from "./backupPolicy.js";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, proxmoxTypes as types, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { cloneQueue, VmFromTemplate } from "./vmFromTemplate.js";
import { vmIdRegistry } from "./vmIds.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(async () => {
  await resetMocks();
  cloneQueue().clear();
  vmIdRegistry().clear();
});

const base: BackupPolicyArgs = { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7, keepWeekly: 4 }, vmIds: [101] };

describe("BackupPolicy", () => {
  it("creates a vzdump job with the retention as a prune map and safe defaults", async () => {
    const { transformation, children } = captureChildren();
    const policy = new BackupPolicy("nightly", base, { transformations: [transformation] });
    expect(await value(policy.jobId)).toBe("hearth_nightly");
    expect(policy.pruneBackups).toEqual({ "keep-daily": "7", "keep-weekly": "4" });
    await settle();
    expect(recordedOf(types.backupJob)[0]).toMatchObject({
      name: "nightly",
      inputs: {
        resourceId: "hearth_nightly",
        schedule: "*-*-* 02:00",
        storage: "backups",
        mode: "snapshot",
        compress: "zstd",
        enabled: true,
        vmids: ["101"],
        pruneBackups: { "keep-daily": "7", "keep-weekly": "4" },
      },
    });
    expect(children.map((c) => c.opts.parent)).toEqual([policy]);
  });

  it("selects Hearth VMs by their ids", async () => {
    const vms = [201, 202].map((vmId) => new VmFromTemplate(`vm-${vmId}`, { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, vmId }));
    new BackupPolicy("vms", { ...base, vmIds: undefined, vms, mode: "stop", compress: "none", node: "pve1" });
    await settle();
    expect(recordedOf(types.backupJob)[0]?.inputs).toMatchObject({ vmids: ["201", "202"], mode: "stop", compress: "0", node: "pve1" });
  });

  it.each<[string, Partial<BackupPolicyArgs>, object]>([
    ["a pool", { vmIds: undefined, pool: "lab" }, { pool: "lab" }],
    ["everything", { vmIds: undefined, all: true }, { all: true }],
  ])("selects %s", async (_label, extra, expected) => {
    new BackupPolicy("sel", { ...base, ...extra });
    await settle();
    const inputs = recordedOf(types.backupJob)[0]?.inputs;
    expect(inputs).toMatchObject(expected);
    expect(inputs?.vmids).toBeUndefined();
  });

  it.each<[string, Partial<BackupPolicyArgs>, RegExp]>([
    ["an invalid calendar event", { schedule: "every night" }, /schedule "every night" .*calendar event/],
    ["an hour of 25", { schedule: "*-*-* 25:00" }, /schedule/],
    ["a retention keeping nothing", { retention: { keepDaily: 0 } }, /keep at least one backup/],
    ["an empty retention", { retention: {} }, /keep at least one backup/],
    ["an unknown retention key", { retention: { keepForever: 1 } as never }, /retention\.keepForever/],
    ["no selection", { vmIds: undefined }, /exactly one of vmIds, vms, pool or all/],
    ["two selections", { pool: "lab" }, /vmIds and pool/],
    ["an empty VM list", { vmIds: [] }, /vmIds \[\] .*at least one VM/],
    ["a VM id below 100", { vmIds: [42] }, /vmIds\[0\] 42/],
    ["an unknown mode", { mode: "hot" as never }, /mode "hot"/],
    ["an unknown compression", { compress: "xz" as never }, /compress "xz"/],
    ["a job id with dashes", { jobId: "night-ly" }, /jobId "night-ly"/],
  ])("refuses %s and creates nothing", async (_label, extra, message) => {
    await expectRefused(() => new BackupPolicy("bad", { ...base, ...extra }), message);
  });

  it("checks a schedule given as an Output when it resolves", async () => {
    await expect(late(() => value(new BackupPolicy("late-schedule", { ...base, schedule: pulumi.output("whenever") }).schedule))).rejects.toThrow(/schedule "whenever"/);
  });
});

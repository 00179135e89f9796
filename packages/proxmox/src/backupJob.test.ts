import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BackupJob, type BackupJobArgs } from "./backupJob.js";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, proxmoxTypes as types, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { cloneQueue } from "./vmFromTemplate.js";
import { vmIdRegistry } from "./vmIds.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(async () => {
  await resetMocks();
  cloneQueue().clear();
  vmIdRegistry().clear();
});

const base: BackupJobArgs = { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7, keepWeekly: 4 }, pool: "lab" };

describe("BackupJob", () => {
  it("creates a vzdump job for a pool with the retention as a prune map and safe defaults", async () => {
    const { transformation, children } = captureChildren();
    const job = new BackupJob("nightly", base, { transformations: [transformation] });
    expect(await value(job.jobId)).toBe("hearth_nightly");
    expect(job.pruneBackups).toEqual({ "keep-daily": "7", "keep-weekly": "4" });
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
        pool: "lab",
        pruneBackups: { "keep-daily": "7", "keep-weekly": "4" },
      },
    });
    expect(recordedOf(types.backupJob)[0]?.inputs.vmids).toBeUndefined();
    expect(children.map((c) => c.opts.parent)).toEqual([job]);
  });

  it("backs up every guest, on one node, with vzdump's default storage", async () => {
    new BackupJob("all", { schedule: "sat 03:30", retention: { keepWeekly: 4 }, all: true, mode: "stop", compress: "none", node: "pve1", lockWaitMinutes: 30 });
    await settle();
    expect(recordedOf(types.backupJob)[0]?.inputs).toMatchObject({ all: true, storage: "local", mode: "stop", compress: "0", node: "pve1", lockwait: 30 });
  });

  it("keeps the resources of a BackupPolicy: its old type is an alias", async () => {
    const job = new BackupJob("renamed", base);
    const aliases = (job as unknown as { __aliases?: pulumi.Output<string>[] }).__aliases ?? [];
    const urns = await Promise.all(aliases.map((a) => value(pulumi.output(a))));
    expect(urns).toContain("urn:pulumi:test::hearth::hearth:proxmox:BackupPolicy::renamed");
  });

  it.each<[string, Partial<BackupJobArgs> & Record<string, unknown>, RegExp]>([
    ["an invalid calendar event", { schedule: "every night" }, /schedule "every night" .*calendar event/],
    ["an hour of 25", { schedule: "*-*-* 25:00" }, /schedule/],
    ["a retention keeping nothing", { retention: { keepDaily: 0 } }, /keep at least one backup/],
    ["an empty retention", { retention: {} }, /keep at least one backup/],
    ["an unknown retention key", { retention: { keepForever: 1 } as never }, /retention\.keepForever/],
    ["no selection", { pool: undefined }, /exactly one of pool or all/],
    ["two selections", { all: true }, /pool and all/],
    ["VM ids (now the VM's backups)", { pool: undefined, vmIds: [101] }, /vmIds \[101\] .*give it backups: \{ schedule, retention, storage \}/],
    ["an unknown mode", { mode: "hot" as never }, /mode "hot"/],
    ["an unknown compression", { compress: "xz" as never }, /compress "xz"/],
    ["a job id with dashes", { jobId: "night-ly" }, /jobId "night-ly"/],
    ["a negative lock wait", { lockWaitMinutes: -1 }, /lockWaitMinutes -1/],
  ])("refuses %s and creates nothing", async (_label, extra, message) => {
    await expectRefused(() => new BackupJob("bad", { ...base, ...extra }), message);
  });

  it("reports every problem at once", async () => {
    const error = await expectRefused(() => new BackupJob("bad", { ...base, schedule: "never", retention: {}, mode: "hot" as never }), /^BackupJob "bad": 3 problems:/);
    expect(error.problems.map((p) => p.field)).toEqual(["retention", "mode", "schedule"]);
  });

  it("checks a schedule given as an Output when it resolves", async () => {
    await expect(late(() => value(new BackupJob("late-schedule", { ...base, schedule: pulumi.output("whenever") }).schedule))).rejects.toThrow(/schedule "whenever"/);
  });
});

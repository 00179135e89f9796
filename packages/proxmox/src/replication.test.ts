import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { Replication, type ReplicationArgs } from "./replication.js";
import { Storage } from "./storage.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(() => resetMocks());

const type = "proxmoxve:index/replication:Replication";
let n = 200;
const next = () => ++n;

describe("Replication", () => {
  it("replicates a guest to another node: job <vmid>-0 every 15 minutes by default", async () => {
    const { transformation, children } = captureChildren();
    const job = new Replication("db-to-pve2", { guestId: 100, targetNode: "pve2" }, { transformations: [transformation] });
    expect(await value(job.jobId)).toBe("100-0");
    expect(children.map((c) => [c.type, c.name, c.opts.parent])).toEqual([[type, "db-to-pve2", job]]);
    await settle();
    const inputs = recordedOf(type)[0]!.inputs;
    expect(inputs).toMatchObject({ resourceId: "100-0", type: "local", target: "pve2", schedule: "*/15", comment: "Managed by Hearth" });
    expect(inputs.rate).toBeUndefined();
    expect(inputs.disable).toBeUndefined();
  });

  it("takes a job number, schedule, rate limit in MB/s, comment and a disabled flag", async () => {
    new Replication("cache-to-pve3", { guestId: pulumi.output(320), targetNode: "pve3", jobNumber: 2, schedule: "*-*-* 02:00", rateLimitMBps: 12.5, comment: "nightly", enabled: false });
    await settle();
    expect(recordedOf(type)[0]!.inputs).toMatchObject({ resourceId: "320-2", target: "pve3", schedule: "*-*-* 02:00", rate: 12.5, comment: "nightly", disable: true });
  });

  it("refuses a storage this program defines that is not a ZFS pool, or not on the target node, before anything is created", async () => {
    new Storage("lvm-r", { type: "lvmThin", lvmThin: { volumeGroup: "pve", thinPool: "data" } });
    new Storage("tank-r", { type: "zfsPool", zfsPool: { pool: "tank" }, nodes: ["pve1", "pve2"] });
    await expectRefused(() => new Replication("r1", { guestId: next(), targetNode: "pve2", storages: ["lvm-r"] }), /storages\[0\] "lvm-r" .*lvmThin storage; Proxmox replicates ZFS volumes only/);
    await expectRefused(() => new Replication("r2", { guestId: next(), targetNode: "pve3", storages: ["tank-r"] }), /not available on the target node pve3/);
    expect(() => new Replication("r3", { guestId: next(), targetNode: "pve2", storages: ["tank-r", "elsewhere-defined"] })).not.toThrow();
    // Known only when it resolves: refused then, with the same words.
    await expect(late(() => value(new Replication("r4", { guestId: next(), targetNode: "pve2", storages: [pulumi.output("lvm-r")] }).jobId))).rejects.toThrow(/ZFS volumes only/);
  });

  it.each<[string, Partial<ReplicationArgs> & Record<string, unknown>, RegExp]>([
    ["a guest id below 100", { guestId: 42 }, /guestId 42/],
    ["a bad target node", { targetNode: "pve 2" }, /targetNode "pve 2"/],
    ["a negative job number", { jobNumber: -1 }, /jobNumber -1/],
    ["a rate below 1 MB/s", { rateLimitMBps: 0.5 }, /rateLimitMBps 0.5/],
    ["a schedule that is no calendar event", { schedule: "every hour" }, /schedule "every hour"/],
    ["an empty storage list", { storages: [] }, /storages/],
  ])("refuses %s and creates nothing", async (_label, extra, message) => {
    await expectRefused(() => new Replication(`bad-${next()}`, { guestId: next(), targetNode: "pve2", ...extra }), message);
  });

  it("refuses a second job with the same id", async () => {
    new Replication("first", { guestId: 150, targetNode: "pve2" });
    await expectRefused(() => new Replication("second", { guestId: 150, targetNode: "pve3" }), /Replication "first" already uses the Proxmox replication job id "150-0"/);
  });

  it("any guest id and job number make the id <guest>-<job> (generated)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 100, max: 999_999_999 }), fc.integer({ min: 0, max: 999_999_999 }), async (guestId, jobNumber) => {
        const job = new Replication(`g-${guestId}-${jobNumber}-${next()}`, { guestId: pulumi.output(guestId), jobNumber, targetNode: "pve2" });
        expect(await value(job.jobId)).toBe(`${guestId}-${jobNumber}`);
      }),
      { numRuns: 25 },
    );
  });
});

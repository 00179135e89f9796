import { beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { parse } from "yaml";
import { installMocks, presets, recordedOf as byType, recorded as created, captureChildren, resetMocks as reset, settle, outputOf as value, expectRefused, lateErrors } from "@hearth/kit/testing";
import { expectAllRefused } from "../../../test/support/refused.js";
import { notAnObject, notAString, notAWholeNumber } from "../../../test/support/badInputs.js";
import { VmFromTemplate } from "./vmFromTemplate.js";
import { Volume } from "./volume.js";
import { VolumeSnapshot } from "./volumeSnapshot.js";

// What the provider answers: a created volume keeps the region, name and file system it has in
// state (`had` stands for an existing volume's), a read of a volume by id says its name and region.
const had: { region?: string; name?: string; initialFilesystemType?: string } = {};
const readRegion: Record<string, string> = {};
installMocks({
  answers: [
    presets.digitalocean,
    {
      "digitalocean:index/volume:Volume": (args) =>
        args.id
          ? { id: args.id, state: { name: `vol-${args.id.slice(0, 8)}`, region: readRegion[args.id] ?? "fra1" } }
          : { id: `0f1e2d3c-${Math.random().toString(16).slice(2, 10)}`, state: { ...args.inputs, ...had } },
      "digitalocean:index/volumeSnapshot:VolumeSnapshot": (args) => ({ state: { minDiskSize: 10, volumeId: args.inputs.volumeId } }),
    },
  ],
});
beforeEach(async () => {
  await reset();
  for (const k of Object.keys(had)) delete had[k as keyof typeof had];
  for (const k of Object.keys(readRegion)) delete readRegion[k];
});

const types = { volume: "digitalocean:index/volume:Volume", attachment: "digitalocean:index/volumeAttachment:VolumeAttachment", droplet: "digitalocean:index/droplet:Droplet", snapshot: "digitalocean:index/volumeSnapshot:VolumeSnapshot" };

describe("digitalocean Volume", () => {
  it("creates a tagged, formatted volume protected by Pulumi, and names its device path", async () => {
    const capture = captureChildren();
    const data = new Volume("data", { region: "ams3", sizeGb: 20, labels: { env: "lab" }, tags: ["db"] }, { transformations: capture.transformations });
    expect(await value(data.linuxDevice)).toBe("/dev/disk/by-id/scsi-0DO_Volume_data");
    await settle();
    const [volume] = byType(types.volume);
    expect(volume!.inputs).toEqual({
      name: "data",
      region: "ams3",
      size: 20,
      initialFilesystemType: "ext4",
      tags: ["db", "env-lab", "hearth-component-volume", "hearth-managed-by-hearth", "hearth-stack-test"],
    });
    const options = capture.optionsOf(types.volume, "data");
    expect(options.protect).toBe(true);
    expect(options.ignoreChanges).toEqual(["region", "name", "initialFilesystemType"]);
  });

  it("deleteProtection: false lifts protect; allowReplacement lets the provider replace it", async () => {
    const capture = captureChildren();
    new Volume("scratch", { region: "fra1", sizeGb: 1, filesystem: "xfs", deleteProtection: false, allowReplacement: true }, { transformations: capture.transformations });
    await settle();
    expect(byType(types.volume)[0]!.inputs).toMatchObject({ initialFilesystemType: "xfs", size: 1 });
    expect(capture.optionsOf(types.volume, "scratch").protect).toBe(false);
    expect(capture.optionsOf(types.volume, "scratch").ignoreChanges).toBeUndefined();
  });

  it("fails the plan when a new region, name or file system would replace it, saying what to do", async () => {
    Object.assign(had, { region: "fra1", name: "data", initialFilesystemType: "ext4" });
    const errors = await lateErrors(() => value(new Volume("data", { name: "data-2", region: "ams3", sizeGb: 10, filesystem: "xfs" }).volumeId).catch(() => undefined));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.problems.map((p) => p.field)).toEqual(["region", "name", "filesystem"]);
    expect(errors[0]!.message).toMatch(/region "ams3" is not valid; the volume has region "fra1".*Set region back to "fra1", or, to delete the data on purpose, set allowReplacement: true and deleteProtection: false/);
  });

  it("refuses bad input with every problem at once, before registering anything", async () => {
    const error = await expectRefused(() => new Volume("bad", { region: "fsn1", sizeGb: 16385, filesystem: "zfs", tags: ["hearth-x"] } as never));
    expect(error.problems.map((p) => p.field)).toEqual(["filesystem", "sizeGb", "region", "tags[0]"]);
    await expectRefused(() => new Volume("9lives", { region: "fra1", sizeGb: 10 }), /begin with a letter/);
  });

  it("refuses generated bad sizes, regions, names and flags", async () => {
    const runs = await expectAllRefused(
      created,
      fc.oneof(
        notAnObject.map((args) => args as never),
        fc.oneof(notAWholeNumber, fc.integer({ max: 0 }), fc.integer({ min: 16385 })).map((sizeGb) => ({ region: "fra1", sizeGb }) as never),
        fc.oneof(notAString, fc.constantFrom("fsn1", "FRA1", "")).map((region) => ({ region, sizeGb: 10 }) as never),
        fc.oneof(notAString, fc.constantFrom("", "Data", "1data", "data-", "a".repeat(64))).map((name) => ({ region: "fra1", sizeGb: 10, name }) as never),
        fc.oneof(fc.string(), fc.integer()).map((allowReplacement) => ({ region: "fra1", sizeGb: 10, allowReplacement }) as never),
      ),
      (args) => new Volume("gen", args),
      150,
    );
    expect(runs).toBe(150);
  });
});

describe("digitalocean VmFromTemplate volumes and VolumeSnapshot", () => {
  it("attaches each volume delete-first and mounts it by the device path of its name", async () => {
    const data = new Volume("data", { region: "fra1", sizeGb: 10 });
    const capture = captureChildren();
    const vm = new VmFromTemplate("db", { region: "fra1", volumes: [{ volumeId: data.volumeId, mountPath: "/srv/data" }] }, { transformations: capture.transformations });
    const dropletId = await value(vm.instanceId);
    await settle();
    const volumeId = await value(data.volumeId);
    const [attachment] = byType(types.attachment);
    expect(attachment).toMatchObject({ name: "db-volume-0", inputs: { dropletId: Number(dropletId), volumeId } });
    expect(capture.optionsOf(types.attachment, "db-volume-0").deleteBeforeReplace).toBe(true);
    const config = parse(byType(types.droplet)[0]!.inputs.userData as string);
    expect(config.runcmd).toEqual([expect.stringContaining(`/dev/disk/by-id/scsi-0DO_Volume_vol-${volumeId.slice(0, 8)} /srv/data auto defaults,nofail,discard 0 2`)]);
  });

  it("refuses a volume of another region before attaching it, and bad volume lists before registering", async () => {
    readRegion["9a8b7c6d-0000-4000-8000-000000000001"] = "nyc3";
    const errors = await lateErrors(() => new VmFromTemplate("far", { region: "fra1", volumes: [{ volumeId: "9a8b7c6d-0000-4000-8000-000000000001" }] }));
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/is in nyc3; a droplet attaches volumes of its own region \(fra1\) only/)]);
    expect(byType(types.attachment)).toEqual([]);
    const many = Array.from({ length: 16 }, (_, i) => ({ volumeId: `v${i}` }));
    await expectRefused(() => new VmFromTemplate("many", { region: "fra1", volumes: many }), /at most 15 volumes/);
    await expectRefused(() => new VmFromTemplate("paths", { region: "fra1", volumes: [{ volumeId: "a", mountPath: "/" }] }), /volumes\[0\]\.mountPath/);
  });

  it("VolumeSnapshot: a protected snapshot of a volume, taken once", async () => {
    const data = new Volume("data", { region: "fra1", sizeGb: 10 });
    const capture = captureChildren();
    const snap = new VolumeSnapshot("data-nightly", { volumeId: data.volumeId, labels: { why: "upgrade" } }, { transformations: capture.transformations });
    expect(await value(snap.minDiskSizeGb)).toBe(10);
    await settle();
    expect(byType(types.snapshot)[0]!.inputs).toMatchObject({ volumeId: await value(data.volumeId), name: "data-nightly", tags: expect.arrayContaining(["why-upgrade", "hearth-component-volumesnapshot"]) });
    expect(capture.optionsOf(types.snapshot, "data-nightly")).toMatchObject({ protect: true, ignoreChanges: ["volumeId"] });
    await expectRefused(() => new VolumeSnapshot("bad", { volumeId: "", name: " ", deleteProtection: "no" } as never), /volumeId/);
  });
});

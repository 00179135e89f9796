import { beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { installMocks, presets, recordedOf as byType, recorded as created, captureChildren, resetMocks as reset, settle, outputOf as value, expectRefused, lateErrors } from "@hearth/kit/testing";
import { expectAllRefused } from "../../../test/support/refused.js";
import { notAnObject, notAString, notAWholeNumber } from "../../../test/support/badInputs.js";
import { Snapshot } from "./snapshot.js";
import { VmFromTemplate } from "./vmFromTemplate.js";
import { Volume } from "./volume.js";

// What the provider answers: a volume keeps the location and format it has in state (the
// mocks' `had` stands for an existing volume's state), a volume read says where it lives.
const had: { location?: string; format?: string } = {};
const volumeLocation: Record<string, string> = {};
installMocks({
  answers: [
    presets.hcloud,
    {
      "hcloud:index/volume:Volume": (args, n) => ({
        state: { location: had.location ?? args.inputs.location, format: had.format ?? args.inputs.format, linuxDevice: `/dev/disk/by-id/scsi-0HC_Volume_${n}` },
      }),
    },
  ],
  call: (args) =>
    args.token === "hcloud:index/getVolume:getVolume"
      ? { id: args.inputs.id, name: `vol-${args.inputs.id}`, location: volumeLocation[args.inputs.id] ?? "fsn1", linuxDevice: `/dev/disk/by-id/scsi-0HC_Volume_${args.inputs.id}`, size: 10 }
      : args.inputs,
});
beforeEach(async () => {
  await reset();
  delete had.location;
  delete had.format;
  for (const k of Object.keys(volumeLocation)) delete volumeLocation[k];
});

const types = { volume: "hcloud:index/volume:Volume", attachment: "hcloud:index/volumeAttachment:VolumeAttachment", server: "hcloud:index/server:Server", snapshot: "hcloud:index/snapshot:Snapshot" };

describe("hcloud Volume", () => {
  it("creates a labelled, formatted volume, protected by Hetzner and by Pulumi", async () => {
    const capture = captureChildren();
    const data = new Volume("data", { location: "nbg1", sizeGb: 20, labels: { env: "lab" } }, { transformations: capture.transformations });
    expect(await value(data.volumeId)).toMatch(/^[0-9]+$/);
    expect(await value(data.sizeGb)).toBe(20);
    await settle();
    const [volume] = byType(types.volume);
    expect(volume!.inputs).toEqual({
      name: "data",
      location: "nbg1",
      size: 20,
      format: "ext4",
      deleteProtection: true,
      labels: { "hearth/component": "Volume", "hearth/managed-by": "hearth", "hearth/stack": "test", env: "lab" },
    });
    const options = capture.optionsOf(types.volume, "data");
    expect(options.protect).toBe(true);
    expect(options.parent).toBe(data);
    // A new location or file system is ignored by the child until allowReplacement; a new format always replaces.
    expect(options.ignoreChanges).toEqual(["location", "format"]);
    expect(options.replaceOnChanges).toEqual(["format"]);
  });

  it("deleteProtection: false lifts both protections; allowReplacement lets a new location or format replace it", async () => {
    const capture = captureChildren();
    new Volume("scratch", { name: "scratch-1", location: "fsn1", sizeGb: 10, filesystem: "xfs", deleteProtection: false, allowReplacement: true }, { transformations: capture.transformations });
    await settle();
    expect(byType(types.volume)[0]!.inputs).toMatchObject({ name: "scratch-1", format: "xfs", deleteProtection: false });
    const options = capture.optionsOf(types.volume, "scratch");
    expect(options.protect).toBe(false);
    expect(options.ignoreChanges).toBeUndefined();
  });

  it("fails the plan when the location or file system would replace it, saying what to do", async () => {
    had.location = "fsn1";
    had.format = "ext4";
    const errors = await lateErrors(() => value(new Volume("data", { location: "nbg1", sizeGb: 10, filesystem: "xfs" }).volumeId).catch(() => undefined));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.problems.map((p) => p.field)).toEqual(["location", "filesystem"]);
    expect(errors[0]!.message).toMatch(/lives in "fsn1".*Set location back to "fsn1", or, to delete the data on purpose, set allowReplacement: true and deleteProtection: false/);
    // The same move with allowReplacement goes through (the provider replaces the volume).
    await reset();
    expect(await value(new Volume("data", { location: "nbg1", sizeGb: 10, allowReplacement: true, deleteProtection: false }).volumeId)).toMatch(/^[0-9]+$/);
  });

  it("refuses bad input with every problem at once, before registering anything", async () => {
    const error = await expectRefused(() => new Volume("bad", { location: "ams3", sizeGb: 5, filesystem: "btrfs", labels: { "hearth/x": "y" }, deleteProtection: "yes", allowReplacement: 1 } as never));
    expect(error.problems.map((p) => p.field)).toEqual(["filesystem", "labels.hearth/x", "deleteProtection", "allowReplacement", "sizeGb", "location"]);
    expect(error.message).toMatch(/sizeGb 5.*10/);
    await expectRefused(() => new Volume("big", { location: "fsn1", sizeGb: 10241 }), /sizeGb/);
    new Volume("a", { name: "shared", location: "fsn1", sizeGb: 10 });
    await expectRefused(() => new Volume("b", { name: "shared", location: "fsn1", sizeGb: 10 }), /already uses the Hetzner Cloud volume name "shared"/);
  });

  it("refuses generated bad sizes, locations, names and flags", async () => {
    const runs = await expectAllRefused(
      created,
      fc.oneof(
        notAnObject.map((args) => args as never),
        fc.oneof(notAWholeNumber, fc.integer({ max: 9 }), fc.integer({ min: 10241 })).map((sizeGb) => ({ location: "fsn1", sizeGb }) as never),
        fc.oneof(notAString, fc.constantFrom("ams3", "FSN1", "")).map((location) => ({ location, sizeGb: 10 }) as never),
        fc.oneof(notAString, fc.constantFrom("", "Data", "-data", "a".repeat(64), "da_ta")).map((name) => ({ location: "fsn1", sizeGb: 10, name }) as never),
        fc.oneof(fc.string(), fc.integer()).map((deleteProtection) => ({ location: "fsn1", sizeGb: 10, deleteProtection }) as never),
        fc.string().filter((f) => f !== "ext4" && f !== "xfs").map((filesystem) => ({ location: "fsn1", sizeGb: 10, filesystem }) as never),
      ),
      (args) => new Volume("gen", args),
      150,
    );
    expect(runs).toBe(150);
  });
});

describe("hcloud VmFromTemplate volumes", () => {
  it("attaches each volume through its own delete-first attachment and mounts it by its device path on first boot", async () => {
    const data = new Volume("data", { location: "fsn1", sizeGb: 10 });
    const logs = new Volume("logs", { location: "fsn1", sizeGb: 10 });
    const capture = captureChildren();
    const vm = new VmFromTemplate(
      "db",
      { location: "fsn1", cloudInit: { user: "ops", runcmd: ["echo hi"] }, volumes: [{ volumeId: data.volumeId, mountPath: "/srv/data" }, { volumeId: logs.volumeId }] },
      { transformations: capture.transformations },
    );
    const instanceId = await value(vm.instanceId);
    await settle();
    const dataId = await value(data.volumeId);
    const attachments = byType(types.attachment);
    expect(attachments.map((a) => a.name)).toEqual(["db-volume-0", "db-volume-1"]);
    expect(attachments[0]!.inputs).toEqual({ serverId: Number(instanceId), volumeId: Number(dataId), automount: false });
    expect(capture.optionsOf(types.attachment, "db-volume-0").deleteBeforeReplace).toBe(true);
    expect(capture.parents.get(`${types.attachment}::db-volume-1`)).toBe(vm);

    const userData = byType(types.server)[0]!.inputs.userData as string;
    const config = parse(userData);
    const device = `/dev/disk/by-id/scsi-0HC_Volume_${dataId}`;
    // The user's commands first, then one mount (only the volume with a mountPath).
    expect(config.runcmd).toHaveLength(2);
    expect(config.runcmd[0]).toBe("echo hi");
    expect(config.runcmd[1]).toContain(`'${device} /srv/data auto defaults,nofail,discard 0 2' >> /etc/fstab`);
    expect(config.runcmd[1]).toContain("mount '/srv/data'");
    expect(config.users[1].name).toBe("ops");
  });

  it("without cloudInit renders a config that only mounts; a #cloud-config userData gets the mounts, a script cannot", async () => {
    new VmFromTemplate("app", { location: "fsn1", volumes: [{ volumeId: "4711", mountPath: "/data" }] });
    await settle();
    const config = parse(byType(types.server)[0]!.inputs.userData as string);
    expect(config).toEqual({ hostname: "app", preserve_hostname: false, runcmd: [expect.stringContaining("/dev/disk/by-id/scsi-0HC_Volume_4711 /data auto defaults,nofail")] });
    await expectRefused(() => new VmFromTemplate("raw", { location: "fsn1", userData: "#!/bin/sh\n", volumes: [{ volumeId: "4711", mountPath: "/data" }] }), /not a #cloud-config document.*mount the volumes yourself/);
    // A #cloud-config userData keeps what it says and gets the mount at the end of its runcmd.
    new VmFromTemplate("own", { location: "fsn1", userData: "#cloud-config\npackages: [nginx]\nruncmd:\n  - [systemctl, enable, nginx]\n", volumes: [{ volumeId: "4712", mountPath: "/data" }] });
    await settle();
    const own = parse(byType(types.server)[1]!.inputs.userData as string);
    expect(own).toEqual({ packages: ["nginx"], runcmd: [["systemctl", "enable", "nginx"], expect.stringContaining("scsi-0HC_Volume_4712 /data")] });
  });

  it("refuses a volume in another location before attaching it", async () => {
    volumeLocation["4711"] = "hel1";
    const errors = await lateErrors(() => new VmFromTemplate("far", { location: "fsn1", volumes: [{ volumeId: "4711" }] }));
    expect(errors.map((e) => e.message)).toEqual([expect.stringMatching(/volumes\[0\]\.volumeId "4711".*is in hel1; a server attaches volumes of its own location \(fsn1\) only/)]);
    expect(byType(types.attachment)).toEqual([]);
  });

  it("refuses bad volume lists with the contract's checks, before registering anything", async () => {
    const error = await expectRefused(() =>
      new VmFromTemplate("bad", { location: "fsn1", volumes: [{ volumeId: "x1" }, { volumeId: "5", mountPath: "relative" }, { volumeId: "6", mountPath: "/a" }, { volumeId: "7", mountPath: "/a" }] } as never),
    );
    expect(error.problems.map((p) => p.field)).toEqual(["volumes[1].mountPath", "volumes[3].mountPath", "volumes[0].volumeId"]);
  });

  it("a Snapshot of the server waits for its volume attachments (attaching locks the server)", async () => {
    const capture = captureChildren();
    const vm = new VmFromTemplate("db", { location: "fsn1", volumes: [{ volumeId: "4711" }] });
    const snap = new Snapshot("db-before-upgrade", { instanceId: vm.instanceId, labels: { why: "upgrade" } }, { transformations: capture.transformations });
    expect(await value(snap.snapshotId)).toMatch(/^[0-9]+$/);
    await settle();
    const [snapshot] = byType(types.snapshot);
    expect(snapshot!.inputs).toMatchObject({ serverId: Number(await value(vm.instanceId)), description: "db-before-upgrade", labels: expect.objectContaining({ why: "upgrade", "hearth/component": "Snapshot" }) });
    expect(capture.optionsOf(types.snapshot, "db-before-upgrade").protect).toBe(true);
    // The snapshot's serverId depends on the attachment, not only on the server.
    const deps = await (vm.instanceId as unknown as { allResources?: () => Promise<Set<pulumi.Resource>> }).allResources!();
    const names = await Promise.all([...deps].map((r) => value(r.urn)));
    expect(names.some((u) => u.endsWith("VolumeAttachment::db-volume-0"))).toBe(true);
    await expectRefused(() => new Snapshot("bad", { instanceId: "x", description: "", deleteProtection: "no" } as never), /description/);
  });
});

import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HearthValidationError, type ArgsConform, type VmArgs, type VolumeArgs as ContractVolumeArgs } from "@hearth/core";
import { captureChildren, expectRefused, installMocks, lateErrors, outputOf as value, presets, proxmoxTypes as types, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { Container } from "./container.js";
import { VmFromTemplate, type VmFromTemplateArgs } from "./vmFromTemplate.js";
import { Volume, type VolumeArgs } from "./volume.js";
import { vmIdRegistry } from "./vmIds.js";

/** The provider computes a disk's `pathInDatastore` (`vm-<vmid>-disk-<n>`) for disks it allocates. */
const withPaths = (inputs: Record<string, unknown>, vmId: number) => ({
  ...inputs,
  vmId,
  disks: ((inputs.disks as Record<string, unknown>[] | undefined) ?? []).map((d, i) => ({ ...d, pathInDatastore: d.pathInDatastore ?? `vm-${vmId}-disk-${i}` })),
});
const calls: { token: string; inputs: Record<string, unknown> }[] = [];

beforeAll(() =>
  installMocks({
    answers: [
      presets.proxmox,
      {
        [types.vm]: (args, n) => {
          const state = withPaths(args.inputs, (args.inputs.vmId as number | undefined) ?? n);
          // "moved": a data VM whose disk the state has on another storage than the program asks for.
          if (args.name === "moved") state.disks = state.disks.map((d) => ({ ...d, datastoreId: "tank" }));
          return { state: { ...state, ipv4Addresses: [["10.20.0.15"]] } };
        },
      },
    ],
    call: (args) => {
      calls.push({ token: args.token, inputs: args.inputs });
      if (args.token === "proxmoxve:index/getFiles:getFiles") {
        return { ...args.inputs, files: [{ id: `${args.inputs.datastoreId}:vm-900-disk-0`, fileSize: 20 * 1024 ** 3, contentType: "images", fileFormat: "raw", fileName: "vm-900-disk-0", vmid: 900 }] };
      }
      return args.inputs;
    },
  }),
);
beforeEach(async () => {
  await resetMocks();
  vmIdRegistry().clear();
  calls.length = 0;
});

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthTestKeyOnlyForUnitTests ops@laptop";
const vmBase: VmFromTemplateArgs = { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, cloudInit: { user: "ops", sshKeys: [key] } };

describe("Volume", () => {
  it("is the disk of a stopped data VM, protected twice by default, with the contract's outputs", async () => {
    const data = new Volume("data", { node: "pve1", sizeGb: 20, vmId: 900, labels: { app: "db" } });
    expect(await value(data.volumeId)).toBe("local-lvm:vm-900-disk-0");
    expect(await value(data.sizeGb)).toBe(20);
    expect(await value(data.vmId)).toBe(900);
    expect(await value(data.storage)).toBe("local-lvm");
    await settle();
    const [vm] = recordedOf(types.vm);
    expect(vm?.name).toBe("data");
    expect(vm?.inputs).toMatchObject({
      nodeName: "pve1",
      vmId: 900,
      name: "data",
      started: false,
      onBoot: false,
      protection: true,
      disks: [{ interface: "scsi0", datastoreId: "local-lvm", size: 20, backup: true }],
      purgeOnDestroy: true,
      deleteUnreferencedDisksOnDestroy: true,
    });
    expect(vm?.inputs.tags).toEqual(expect.arrayContaining(["app-db", "hearth-component-volume"]));
  });

  it("lifts both protections only with deleteProtection: false", async () => {
    new Volume("scratch", { node: "pve1", sizeGb: 5, deleteProtection: false, storage: "tank" });
    await settle();
    expect(recordedOf(types.vm)[0]?.inputs).toMatchObject({ protection: false, disks: [{ datastoreId: "tank", size: 5 }] });
  });

  it("takes every value the contract allows under the contract's names (but a file system)", () => {
    const conforms: ArgsConform<Omit<ContractVolumeArgs, "filesystem">, VolumeArgs> = true;
    expect(conforms).toBe(true);
  });

  it("refuses a file system: Proxmox formats no VM disk", () => {
    expectRefused(() => new Volume("data", { node: "pve1", sizeGb: 10, filesystem: "xfs" }), 'filesystem "xfs" is not valid; leave it out at home');
  });

  it("reports every bad arg at once, before anything is registered", async () => {
    const make = () => new Volume("Bad_Name", { node: "pve 1", sizeGb: 0, storage: "-x", vmId: 12, deleteProtection: "yes" as unknown as boolean } as VolumeArgs);
    let error: HearthValidationError | undefined;
    try {
      make();
    } catch (e) {
      error = e as HearthValidationError;
    }
    expect(error).toBeInstanceOf(HearthValidationError);
    expect(error!.problems.map((p) => p.field).sort()).toEqual(["deleteProtection", "name", "node", "sizeGb", "storage", "vmId"]);
    await settle();
    expect(recordedOf(types.vm)).toEqual([]);
  });

  it("refuses any size that is not a whole number of GB in range (property)", () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ max: 0 }), fc.double({ noInteger: true }), fc.constant(Number.NaN)), (sizeGb) => {
        expect(() => new Volume("data", { node: "pve1", sizeGb })).toThrow(/sizeGb/);
      }),
      { numRuns: 50 },
    );
  });

  it("keeps a new node, storage or owner id out of the plan (replacement only with allowReplacement), and fails with what the volume has", async () => {
    const capture = captureChildren();
    new Volume("kept", { node: "pve1", sizeGb: 10, vmId: 900 }, { transformations: capture.transformations });
    new Volume("free", { node: "pve1", sizeGb: 10, vmId: 901, allowReplacement: true, deleteProtection: false }, { transformations: capture.transformations });
    const [kept, free] = capture.children;
    expect(kept?.opts).toMatchObject({ protect: true, replaceOnChanges: ["nodeName", "vmId", "disks[0].datastoreId"] });
    expect(kept?.opts.ignoreChanges).toEqual(expect.arrayContaining(["nodeName", "vmId", "disks[0].datastoreId"]));
    expect(free?.opts).toMatchObject({ protect: false, replaceOnChanges: ["nodeName", "vmId", "disks[0].datastoreId"] });
    expect(free?.opts.ignoreChanges).not.toContain("disks[0].datastoreId");
    // The data VM in the state lives on "tank" (the mocks answer "moved" so): asking for local-lvm fails with what to do.
    const errors = await lateErrors(() => value(new Volume("moved", { node: "pve1", sizeGb: 10, vmId: 902 }).volumeId).catch(() => undefined));
    expect(errors.map((e) => e.problems.map((p) => [p.field, p.allowed]))).toEqual([[["storage", expect.stringContaining('the volume lives on storage "tank"; a new storage replaces it and deletes its data')]]]);
    expect(await value(new Volume("moved", { node: "pve1", sizeGb: 10, vmId: 903, allowReplacement: true }).volumeId)).toBe("tank:vm-903-disk-0");
  });
});

describe("VmFromTemplate volumes", () => {
  it("attaches a volume as the next free scsiN by its path, with the size its storage reports, deleting the old VM before a replacement", async () => {
    const data = new Volume("data", { node: "pve1", sizeGb: 20, vmId: 900 });
    const capture = captureChildren();
    const vm = new VmFromTemplate("db", { ...vmBase, vmId: 301, disks: [{ sizeGb: 12 }], volumes: [{ volumeId: data.volumeId }] }, { transformations: capture.transformations });
    // Neither has a fixed id (which alone makes a VM's replacement delete-first): only the volume decides.
    new VmFromTemplate("plain", vmBase, { transformations: capture.transformations });
    new VmFromTemplate("loose", { ...vmBase, volumes: [{ volumeId: data.volumeId }] }, { transformations: capture.transformations });
    const [dbOpts, plainOpts, looseOpts] = capture.children.map((c) => c.opts);
    expect(dbOpts?.deleteBeforeReplace).toBe(true);
    expect(looseOpts?.deleteBeforeReplace).toBe(true);
    // The attached volume's size follows its owner, never this VM.
    expect(dbOpts?.ignoreChanges).toContain("disks[1].size");
    expect(plainOpts?.deleteBeforeReplace).toBeUndefined();
    expect(await value(vm.vmId)).toBe(301);
    await settle();
    const db = recordedOf(types.vm).find((r) => r.name === "db");
    expect(db?.inputs.disks).toEqual([
      expect.objectContaining({ interface: "scsi0", datastoreId: "local-lvm", size: 12 }),
      expect.objectContaining({ interface: "scsi1", datastoreId: "local-lvm", pathInDatastore: "vm-900-disk-0", size: 20 }),
    ]);
    expect(calls).toContainEqual({ token: "proxmoxve:index/getFiles:getFiles", inputs: expect.objectContaining({ nodeName: "pve1", datastoreId: "local-lvm", contentType: "images" }) });
  });

  it("refuses a mount path at home, a malformed id and a volume attached twice, all at once", () => {
    let error: HearthValidationError | undefined;
    try {
      new VmFromTemplate("db", { ...vmBase, volumes: [{ volumeId: "local-lvm:vm-900-disk-0", mountPath: "/srv" }, { volumeId: "local-lvm:vm-900-disk-0" }, { volumeId: "local:iso/x.iso" }] });
    } catch (e) {
      error = e as HearthValidationError;
    }
    expect(error?.problems.map((p) => p.field)).toEqual(["volumes[0].mountPath", "volumes[1].volumeId", "volumes[2].volumeId"]);
    expect(error?.message).toContain("cloudInit.userDataFileId");
  });

  it("refuses any volume id that is not a guest disk's (property)", () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/^[a-z][a-z0-9\-_.]*[a-z0-9]:(\d+\/)?(vm|subvol)-\d+-disk-\d+/i.test(s)), (volumeId) => {
        expect(() => new VmFromTemplate("db", { ...vmBase, volumes: [{ volumeId }] })).toThrow(/volumes\[0\]\.volumeId/);
      }),
      { numRuns: 50 },
    );
  });

  it("takes the contract's volumes", () => {
    const conforms: ArgsConform<Pick<VmArgs & { volumes?: { volumeId: string; mountPath?: string }[] }, "volumes">, VmFromTemplateArgs> = true;
    expect(conforms).toBe(true);
  });
});

describe("Container mount points from a Volume", () => {
  it("mounts a Volume by its id, without size or storage, and deletes the old container before a replacement", async () => {
    const data = new Volume("data", { node: "pve1", sizeGb: 20, vmId: 900 });
    const capture = captureChildren();
    new Container("app", { node: "pve1", template: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", vmId: 320, mountPoints: [{ path: "/srv/data", volumeId: data.volumeId }, { path: "/cache", sizeGb: 2 }] }, { transformations: capture.transformations });
    await settle();
    expect(capture.children.find((c) => c.type === types.container)?.opts.deleteBeforeReplace).toBe(true);
    const [ct] = recordedOf(types.container);
    expect(ct?.inputs.mountPoints).toEqual([
      { volume: "local-lvm:vm-900-disk-0", path: "/srv/data" },
      { volume: "local-lvm", size: "2G", path: "/cache" },
    ]);
  });

  it("refuses size or storage with a volumeId, and a malformed id", () => {
    let error: HearthValidationError | undefined;
    try {
      new Container("app", { node: "pve1", template: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", mountPoints: [{ path: "/a", volumeId: "local-lvm:vm-900-disk-0", sizeGb: 2, storage: "tank" }, { path: "/b", volumeId: "tank" }, { path: "/c" }] });
    } catch (e) {
      error = e as HearthValidationError;
    }
    expect(error?.problems.map((p) => p.field)).toEqual(["mountPoints[0].sizeGb", "mountPoints[0].storage", "mountPoints[1].volumeId", "mountPoints[2].sizeGb"]);
  });
});

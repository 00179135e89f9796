import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VmFromIso, type VmFromIsoArgs } from "./vmFromIso.js";
import { Image } from "./image.js";
import { captureChildren, expectRefused, installMocks, outputOf as value, presets, proxmoxTypes as types, recorded, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { vmIdRegistry } from "./vmIds.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(async () => {
  await resetMocks();
  vmIdRegistry().clear();
});

const base: VmFromIsoArgs = { node: "pve1", iso: "local:iso/debian-13.1.0-amd64-netinst.iso" };

describe("VmFromIso", () => {
  it("boots an Image's ISO from the CD drive into an empty disk, disk first then CD", async () => {
    const { transformation, children } = captureChildren();
    const iso = new Image("netinst", { node: "pve1", content: "iso", url: "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-13.1.0-amd64-netinst.iso" });
    const vm = new VmFromIso("installer", { node: "pve1", iso: iso.volumeId, size: "medium", diskSizeGb: 32 }, { transformations: [transformation] });
    expect(await value(vm.iso)).toBe("local:iso/debian-13.1.0-amd64-netinst.iso");
    expect(await value(vm.hostname)).toBe("installer");
    await settle();
    expect(children.map((c) => [c.type, c.name])).toEqual([[types.vm, "installer"]]);
    const inputs = recordedOf(types.vm)[0]!.inputs;
    expect(inputs).toMatchObject({
      nodeName: "pve1",
      name: "installer",
      started: true,
      onBoot: false,
      bootOrders: ["scsi0", "ide2"],
      cdrom: { fileId: "local:iso/debian-13.1.0-amd64-netinst.iso", interface: "ide2" },
      disks: [{ interface: "scsi0", datastoreId: "local-lvm", size: 32, fileFormat: "raw" }],
      networkDevices: [{ bridge: "vmbr0", model: "virtio" }],
      agent: { enabled: false },
      cpu: { cores: 2 },
      memory: { dedicated: 4096 },
    });
    expect(inputs.clone).toBeUndefined();
    expect(inputs.initialization).toBeUndefined();
    // A new ISO is an in-place change of the CD drive; no id given, so no delete-first replacement.
    expect(children[0]!.opts).toMatchObject({ ignoreChanges: ["disks[0].speed"] });
    expect(children[0]!.opts.replaceOnChanges).toBeUndefined();
    expect(children[0]!.opts.deleteBeforeReplace).toBeUndefined();
  });

  it("replaces the VM on a new ISO only when asked, delete-first with a fixed id", async () => {
    const { transformation, children } = captureChildren();
    new VmFromIso("fresh", { ...base, vmId: 350, replaceOnImageChange: true, cores: 4, memoryMb: 8192, networkId: "vnet10", storage: "tank" }, { transformations: [transformation] });
    await settle();
    expect(children[0]!.opts).toMatchObject({ replaceOnChanges: ["cdrom"], deleteBeforeReplace: true });
    expect(recordedOf(types.vm)[0]!.inputs).toMatchObject({ vmId: 350, cpu: { cores: 4 }, memory: { dedicated: 8192 }, networkDevices: [{ bridge: "vnet10" }], disks: [{ datastoreId: "tank" }] });
  });

  it("reports every problem at once and registers nothing", async () => {
    const error = await expectRefused(() =>
      new VmFromIso("bad", { node: "pve1", iso: "local:vztmpl/alpine.tar", size: "small", cores: 2, diskSizeGb: 0, diskInterface: "ide2", hostname: "no_underscores", started: "yes" as never }),
    );
    expect(error.problems.map((p) => p.field).sort()).toEqual(["diskInterface", "diskSizeGb", "hostname", "iso", "size", "started"]);
  });

  it("refuses any volume that is not an ISO (property)", async () => {
    const bad = fc.oneof(
      fc.constantFrom("local:vztmpl/debian.tar.zst", "local:import/debian.qcow2", "debian.iso", "local:iso/", "local:images/vm-100-disk-0.raw"),
      fc.string().filter((s) => !/:iso\//.test(s)),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (iso) => {
        recorded.length = 0;
        await expectRefused(() => new VmFromIso("p", { ...base, iso }), /iso/);
      }),
      { numRuns: 50 },
    );
  });
});

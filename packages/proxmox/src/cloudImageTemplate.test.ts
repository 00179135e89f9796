import * as pulumi from "@pulumi/pulumi";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CloudImageTemplate, type CloudImageTemplateArgs } from "./cloudImageTemplate.js";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, proxmoxTypes as types, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { vmIdRegistry } from "./vmIds.js";
import { Image } from "./image.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(async () => {
  await resetMocks();
  vmIdRegistry().clear();
});

const base: CloudImageTemplateArgs = {
  node: "pve1",
  imageUrl: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2",
  vmId: 9000,
};

describe("CloudImageTemplate", () => {
  it("downloads the image and imports it into a template VM with cloud-init, agent and serial console", async () => {
    const { transformation, children } = captureChildren();
    const tpl = new CloudImageTemplate("debian-12", { ...base, checksum: "abc123", checksumAlgorithm: "sha512", diskSizeGb: 16 }, { transformations: [transformation] });
    expect(await value(tpl.vmId)).toBe(9000);
    expect(await value(tpl.node)).toBe("pve1");
    expect(await value(tpl.diskSizeGb)).toBe(16);
    await settle();

    const [file] = recordedOf(types.file);
    expect(file).toMatchObject({
      name: "debian-12-image",
      inputs: { nodeName: "pve1", datastoreId: "local", contentType: "import", url: base.imageUrl, checksum: "abc123", checksumAlgorithm: "sha512" },
    });
    const [vm] = recordedOf(types.vm);
    expect(vm?.name).toBe("debian-12");
    expect(vm?.inputs).toMatchObject({
      nodeName: "pve1",
      vmId: 9000,
      name: "debian-12",
      template: true,
      started: false,
      agent: { enabled: true },
      serialDevices: [{ device: "socket" }],
      vga: { type: "serial0" },
      initialization: { datastoreId: "local-lvm", interface: "ide2" },
    });
    expect(vm?.inputs.disks).toEqual([
      expect.objectContaining({ interface: "scsi0", datastoreId: "local-lvm", size: 16, importFrom: await value(tpl.imageFileId) }),
    ]);
    expect(await value(tpl.imageFileId)).toBe("local:import/debian-12-generic-amd64.qcow2");
    expect(children.map((c) => c.name)).toEqual(["debian-12-image", "debian-12"]);
    expect(children.every((c) => c.opts.parent === tpl)).toBe(true);
    expect(tpl.ref).toMatchObject({ node: "pve1", diskSizeGb: 16, diskInterface: "scsi0" });
    expect(await value(tpl.diskInterface)).toBe("scsi0");
    expect(await value(tpl.templateName)).toBe("debian-12");
    // The provider's perpetual speed diff on the template's one disk (muhlba91/pulumi-proxmoxve#664).
    // The provider imports a disk at creation only: a new image is no update of the template (replaceOnImageChange opts in).
    expect(children.find((c) => c.type === types.vm)?.opts.ignoreChanges).toEqual(["disks[0].speed", "disks[0].importFrom"]);
  });

  it("keeps the caller's ignoreChanges on the template VM next to the speed path", async () => {
    const { transformation, children } = captureChildren();
    new CloudImageTemplate("trixie", { ...base, vmId: 9002 }, { transformations: [transformation], ignoreChanges: ["description", "disks[0].speed"] });
    await settle();
    expect(children.find((c) => c.type === types.vm)?.opts.ignoreChanges).toEqual(["description", "disks[0].speed", "disks[0].importFrom"]);
    expect(children.find((c) => c.type === types.file)?.opts.ignoreChanges).toBeUndefined();
  });

  it("uses the given storages and file name", async () => {
    new CloudImageTemplate("noble", { ...base, vmId: 9001, storage: "tank", imageStorage: "images", fileName: "noble.qcow2" });
    await settle();
    expect(recordedOf(types.file)[0]?.inputs).toMatchObject({ datastoreId: "images", fileName: "noble.qcow2" });
    expect(recordedOf(types.vm)[0]?.inputs.disks[0]).toMatchObject({ datastoreId: "tank", size: 10 });
  });

  it("imports an Image's volume instead of downloading, and is replaced by a new image only when asked", async () => {
    const { transformation, children } = captureChildren();
    const image = new Image("debian-13", { node: "pve1", content: "import", url: "https://cloud.debian.org/images/cloud/trixie/latest/debian-13-generic-amd64.qcow2", storage: "images" });
    const kept = new CloudImageTemplate("kept", { node: "pve1", image: image.volumeId, vmId: 9010 }, { transformations: [transformation] });
    new CloudImageTemplate("renewed", { node: "pve1", image: image.volumeId, vmId: 9011, replaceOnImageChange: true }, { transformations: [transformation] });
    expect(await value(kept.imageFileId)).toBe("images:import/debian-13-generic-amd64.qcow2");
    await settle();
    // One download, the Image's: the templates add none of their own.
    expect(recordedOf(types.file).map((f) => f.name)).toEqual(["debian-13"]);
    expect(children.map((c) => c.name).sort()).toEqual(["kept", "renewed"]);
    const vm = (name: string) => recordedOf(types.vm).find((r) => r.name === name);
    expect(vm("kept")?.inputs.disks[0]).toMatchObject({ importFrom: "images:import/debian-13-generic-amd64.qcow2", datastoreId: "local-lvm" });
    expect(children.find((c) => c.name === "kept")?.opts).toMatchObject({ ignoreChanges: ["disks[0].speed", "disks[0].importFrom"] });
    expect(children.find((c) => c.name === "kept")?.opts.replaceOnChanges).toBeUndefined();
    expect(children.find((c) => c.name === "renewed")?.opts).toMatchObject({ ignoreChanges: ["disks[0].speed"], replaceOnChanges: ["disks[0].importFrom"] });
  });

  it("refuses an image that is not an importable disk, and the download args next to it", async () => {
    const error = await expectRefused(
      () => new CloudImageTemplate("bad", { node: "pve1", vmId: 9012, image: "local:import/appliance.ova", fileName: "x.qcow2", checksum: "ab", checksumAlgorithm: "md5", imageStorage: "images" }),
      /not an .ova appliance/,
    );
    expect(error.problems.map((p) => p.field).sort()).toEqual(["checksum", "checksumAlgorithm", "fileName", "image", "imageStorage"]);
    await expectRefused(() => new CloudImageTemplate("both", { ...base, image: "local:import/a.qcow2" }), /give either imageUrl .* or image/);
    await expectRefused(() => new CloudImageTemplate("neither", { node: "pve1", vmId: 9013 }), /give either imageUrl/);
    await expectRefused(() => new CloudImageTemplate("iso", { node: "pve1", vmId: 9014, image: "local:iso/debian.iso" }), /use an import volume/);
  });

  it.each<[string, Partial<CloudImageTemplateArgs>, RegExp]>([
    ["a zero disk", { diskSizeGb: 0 }, /diskSizeGb 0/],
    ["a negative disk", { diskSizeGb: -1 }, /diskSizeGb -1/],
    ["an unknown disk interface", { diskInterface: "hd0" }, /diskInterface "hd0"/],
    ["the cloud-init drive's interface", { diskInterface: "ide2" }, /ide2 holds the cloud-init drive/],
    ["a checksum without algorithm", { checksum: "abc" }, /checksumAlgorithm/],
    ["an unknown checksum algorithm", { checksum: "abc", checksumAlgorithm: "crc32" as never }, /checksumAlgorithm "crc32"/],
    ["an ftp URL", { imageUrl: "ftp://example.org/a.qcow2" }, /imageUrl/],
    ["a path in the file name", { fileName: "../a.qcow2" }, /fileName/],
    ["a file name Proxmox does not import", { fileName: "noble.img" }, /fileName "noble.img" is not valid; Proxmox imports disk images named .qcow2, .raw or .vmdk/],
    ["an .img URL without a file name", { imageUrl: "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img" }, /fileName.*noble-server-cloudimg-amd64.img" is not a .qcow2, .raw or .vmdk name/],
    ["a VM id below 100", { vmId: 7 }, /vmId 7/],
  ])("refuses %s and creates nothing", async (_label, extra, message) => {
    await expectRefused(() => new CloudImageTemplate("bad", { ...base, ...extra }), message);
  });

  it("checks an image URL given as an Output when it resolves", async () => {
    await expect(late(() => value(new CloudImageTemplate("late-url", { ...base, vmId: 9005, imageUrl: pulumi.output("not a url") }).imageFileId))).rejects.toThrow(/imageUrl "not a url"/);
  });
});

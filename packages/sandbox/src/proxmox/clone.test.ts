import { describe, expect, it } from "vitest";
import { clonedVolume, planClone } from "./clone.js";

const template = {
  vmid: 9000,
  config: {
    name: "debian-12",
    template: 1,
    cores: 2,
    meta: "creation-qemu=9.2.0,ctime=1700000000",
    scsi0: "local-lvm:base-9000-disk-0,discard=on,size=10G",
    ide2: "local-lvm:vm-9000-cloudinit,media=cdrom",
    ide3: "none,media=cdrom",
    net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1",
    unused0: "local-lvm:vm-9000-disk-1",
    parent: "snap1",
    smbios1: "uuid=11111111-1111-4111-a111-111111111111,manufacturer=abc",
    vmgenid: "22222222-2222-4222-a222-222222222222",
  },
};

describe("planClone (qemu-server API2/Qemu.pm clone_vm)", () => {
  it("copies the config without template, snapshot info or unused disks; new MAC, uuid and vmgenid; default name", () => {
    const plan = planClone(template, 101, { full: true });
    expect(plan.config).toMatchObject({ cores: 2, meta: "creation-qemu=9.2.0,ctime=1700000000", ide3: "none,media=cdrom", name: "Copy-of-VM-debian-12" });
    for (const gone of ["template", "unused0", "parent", "scsi0", "ide2"]) expect(plan.config).not.toHaveProperty(gone);
    expect(plan.config.net0).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr0,firewall=1$/);
    expect(plan.config.net0).not.toBe(template.config.net0);
    expect(plan.config.smbios1).toMatch(/^uuid=[0-9a-f-]{36},manufacturer=abc$/);
    expect(plan.config.smbios1).not.toContain("11111111");
    expect(plan.config.vmgenid).not.toBe(template.config.vmgenid);
  });

  it("clones drives in key order: cloud-init always as a new volume, disks copied when full, linked otherwise", () => {
    expect(planClone(template, 101, { full: true }).drives.map((d) => [d.key, d.mode, d.bytes])).toEqual([
      ["ide2", "cloudinit", 0],
      ["scsi0", "copy", 10 * 1024 ** 3],
    ]);
    expect(planClone(template, 101, { full: false, name: "web" }).drives.map((d) => [d.key, d.mode])).toEqual([
      ["ide2", "cloudinit"],
      ["scsi0", "linked"],
    ]);
  });

  it("refuses a linked clone of a volume that is not a template's base volume", () => {
    const vm = { vmid: 100, config: { scsi0: "local-lvm:vm-100-disk-0,size=4G" } };
    expect(() => planClone(vm, 101, { full: false })).toThrow("Linked clone feature is not supported for 'local-lvm:vm-100-disk-0' (scsi0)");
    expect(planClone(vm, 101, { full: true }).config.name).toBe("Copy-of-VM-100");
  });

  it("names the new volumes like vdisk_alloc and vdisk_clone", () => {
    const [ide2, scsi0] = planClone(template, 101, { full: false }).drives;
    expect(clonedVolume(ide2!, 101, "local-lvm", new Set())).toBe("local-lvm:vm-101-cloudinit");
    expect(clonedVolume(scsi0!, 101, "local-lvm", new Set())).toBe("local-lvm:base-9000-disk-0/vm-101-disk-0");
    const [, full] = planClone(template, 101, { full: true }).drives;
    expect(clonedVolume(full!, 101, "local-lvm", new Set(["local-lvm:vm-101-disk-0"]))).toBe("local-lvm:vm-101-disk-1");
  });
});

import { describe, expect, it } from "vitest";
import { appliesWhileRunning, hotplugFeatures, pendingArray } from "./hotplug.js";

describe("hot-plug on a running VM (qemu-server QemuServer.pm vmconfig_hotplug_pending)", () => {
  const config = { cores: 1, memory: 1024, agent: "1", net0: "virtio=AA,bridge=vmbr0", scsi0: "local-lvm:vm-100-disk-0,size=2G", ide2: "local-lvm:vm-100-cloudinit,media=cdrom" };
  it.each([
    ["name", "web", true],
    ["description", "x", true],
    ["ipconfig0", "ip=dhcp", true],
    ["sshkeys", "ssh-ed25519%20AAAA", true],
    ["net0", "virtio=AA,bridge=vmbr1", true],
    ["scsi1", "local-lvm:vm-100-disk-1,size=4G", true],
    ["ide2", "local-lvm:vm-100-cloudinit,media=cdrom", false],
    ["sata0", "local-lvm:vm-100-disk-2,size=4G", false],
    ["cores", "4", false],
    ["memory", "4096", false],
    ["vga", "std", false],
    ["balloon", "512", true],
    ["balloon", "0", false],
    ["agent", "1,fstrim_cloned_disks=1", true],
    ["agent", "enabled=0", false],
  ])("%s=%s applies at once: %s", (key, value, applies) => {
    expect(appliesWhileRunning(key, value, config)).toBe(applies);
  });

  it("follows the hotplug option: default network,disk,usb; 0 is none", () => {
    expect([...hotplugFeatures(undefined)]).toEqual(["network", "disk", "usb"]);
    expect([...hotplugFeatures("0")]).toEqual([]);
    expect(appliesWhileRunning("memory", "4096", { ...config, hotplug: "network,disk,memory" })).toBe(true);
    expect(appliesWhileRunning("net0", "virtio,bridge=vmbr1", { ...config, hotplug: "0" })).toBe(false);
  });

  it("changes a CD drive's medium at once on any bus, hotplug or not (vmconfig_update_disk, cdrom branch)", () => {
    const withIso = { ...config, ide3: "local:iso/debian-13.1.iso,media=cdrom", hotplug: "0" };
    expect(appliesWhileRunning("ide3", "local:iso/debian-13.2.iso,media=cdrom", withIso)).toBe(true);
    expect(appliesWhileRunning("ide3", "none,media=cdrom", withIso)).toBe(true);
    // A new CD drive, or a disk where the CD was, waits for the next start.
    expect(appliesWhileRunning("ide0", "local:iso/debian-13.2.iso,media=cdrom", withIso)).toBe(false);
    expect(appliesWhileRunning("ide3", "local-lvm:vm-100-disk-3,size=4G", withIso)).toBe(false);
  });

  it("lists pending changes like config_with_pending_array", () => {
    expect(pendingArray({ cores: 1, vga: "std" }, { cores: 4, bios: "ovmf" }, ["vga"])).toEqual([
      { key: "cores", value: "1", pending: "4" },
      { key: "vga", value: "std", delete: 1 },
      { key: "bios", pending: "ovmf" },
    ]);
  });
});

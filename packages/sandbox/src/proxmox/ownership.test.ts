import { afterEach, beforeEach, describe, expect, it } from "vitest";
import fc from "fast-check";
import { startSandbox, type Sandbox } from "../server.js";
import { waitFor } from "../testClient.js";
import { volumeOwner } from "./ownership.js";
import { pveClient } from "./pveTestClient.js";

let sb: Sandbox;
let pve: ReturnType<typeof pveClient>;

async function waitTask(upid: string): Promise<{ status: string; exitstatus: string }> {
  return waitFor(async () => {
    const res = await pve.get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`);
    return res.body.data.status === "stopped" ? res.body.data : undefined;
  });
}
const destroy = async (vmid: number, query = "destroy-unreferenced-disks=1&purge=1"): Promise<string> => {
  const res = await pve.del(`/nodes/pve1/qemu/${vmid}?${query}`);
  expect(res.status).toBe(200);
  return (await waitTask(res.body.data)).exitstatus;
};
const contentIds = async (): Promise<string[]> => (await pve.get("/nodes/pve1/storage/local-lvm/content")).body.data.map((v: { volid: string }) => v.volid);

describe("volume ownership (pve-storage Plugin.pm parse_volname)", () => {
  it("reads the owner from the volume name, whatever the storage layout", () => {
    expect(volumeOwner("local-lvm:vm-900-disk-0")).toBe(900);
    expect(volumeOwner("local:900/vm-900-disk-1.qcow2")).toBe(900);
    expect(volumeOwner("local-lvm:base-9000-disk-0/vm-101-disk-0")).toBe(101);
    expect(volumeOwner("local:9000/base-9000-disk-0.qcow2/101/vm-101-disk-0.qcow2")).toBe(101);
    expect(volumeOwner("local-zfs:subvol-320-disk-1")).toBe(320);
    expect(volumeOwner("local:iso/debian.iso")).toBeUndefined();
    expect(volumeOwner("/dev/sdb")).toBeUndefined();
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 999_999_999 }), fc.integer({ min: 0, max: 255 }), fc.constantFrom("local-lvm", "tank", "ceph-rbd"), (vmid, n, storage) => {
        expect(volumeOwner(`${storage}:vm-${vmid}-disk-${n}`)).toBe(vmid);
        expect(volumeOwner(`${storage}:${vmid}/vm-${vmid}-disk-${n}.raw`)).toBe(vmid);
      }),
    );
  });
});

describe("what destroying a guest frees (qemu-server QemuServer.pm destroy_vm, pve-container LXC.pm destroy_lxc_container)", () => {
  beforeEach(async () => {
    sb = await startSandbox({ proxmox: { taskMs: 50 } });
    pve = pveClient(sb);
    // A "data VM" that owns a disk and is never started, and a VM that attaches that disk.
    await pve.vm("pve1", { vmid: 900, name: "data", scsi0: "local-lvm:2" });
    await pve.vm("pve1", { vmid: 301, name: "app", scsi0: "local-lvm:4", scsi1: "local-lvm:vm-900-disk-0,size=2G" });
    sb.writeVolumeData("local-lvm:vm-900-disk-0", "marker-1");
  });
  afterEach(async () => {
    await sb.stop();
  });

  it("keeps a volume another VM owns when the VM attaching it is destroyed, even with destroy-unreferenced-disks and purge", async () => {
    expect(await destroy(301)).toBe("OK");
    expect(sb.inspect().proxmox.vms[301]).toBeUndefined();
    expect(await contentIds()).toEqual(["local-lvm:vm-900-disk-0"]);
    expect(sb.readVolumeData("local-lvm:vm-900-disk-0")).toBe("marker-1");
    // The volume attaches to a new VM with its data.
    await pve.vm("pve1", { vmid: 302, name: "app2", scsi0: "local-lvm:4", scsi1: "local-lvm:vm-900-disk-0" });
    expect((await pve.get("/nodes/pve1/qemu/302/config")).body.data.scsi1).toBe("local-lvm:vm-900-disk-0,size=2G");
    expect(sb.readVolumeData("local-lvm:vm-900-disk-0")).toBe("marker-1");
  });

  it("frees the owner's volume when the owner is destroyed, though another VM still attaches it: its data is lost", async () => {
    expect(await destroy(900, "purge=1")).toBe("OK");
    // VM 301 still names the volume; the volume is gone.
    expect((await pve.get("/nodes/pve1/qemu/301/config")).body.data.scsi1).toBe("local-lvm:vm-900-disk-0,size=2G");
    expect(await contentIds()).not.toContain("local-lvm:vm-900-disk-0");
    expect(() => sb.readVolumeData("local-lvm:vm-900-disk-0")).toThrow("volume 'local-lvm:vm-900-disk-0' does not exist");
    // Attaching the freed volume fails as create_disks does.
    const attach = await pve.put("/nodes/pve1/qemu/301/config", { scsi2: "local-lvm:vm-900-disk-0" });
    expect(attach.body.message).toBe("volume local-lvm:vm-900-disk-0 does not exist\n");
    // A new VM 900 allocates the name again: an empty volume, not the old data.
    await pve.vm("pve1", { vmid: 900, name: "data", scsi0: "local-lvm:2" });
    expect(sb.readVolumeData("local-lvm:vm-900-disk-0")).toBeUndefined();
  });

  it("keeps owned volumes no config names unless destroy-unreferenced-disks is set, and detaching an owned disk leaves it as unusedN", async () => {
    // Detaching: the owner keeps its disk as unused0; VM 301 only drops the reference to 900's.
    expect((await pve.put("/nodes/pve1/qemu/900/config", { delete: "scsi0" })).status).toBe(200);
    expect((await pve.get("/nodes/pve1/qemu/900/config")).body.data.unused0).toBe("local-lvm:vm-900-disk-0");
    expect((await pve.put("/nodes/pve1/qemu/301/config", { delete: "scsi1" })).status).toBe(200);
    expect((await pve.get("/nodes/pve1/qemu/301/config")).body.data.unused0).toBeUndefined();
    expect(sb.readVolumeData("local-lvm:vm-900-disk-0")).toBe("marker-1");
    // destroy_vm frees unused volumes the VM owns (include_unused).
    expect(await destroy(900, "purge=1")).toBe("OK");
    expect(() => sb.readVolumeData("local-lvm:vm-900-disk-0")).toThrow("does not exist");
  });

  it("frees an owned volume attached only elsewhere with destroy-unreferenced-disks, and keeps it without", async () => {
    // VM 900 no longer names its disk (removed from its config by hand); VM 301 still attaches it.
    sb.mutate({ api: "proxmox", kind: "vm", id: 900, config: { scsi0: null } });
    expect(await destroy(900, "purge=1")).toBe("OK");
    expect(sb.readVolumeData("local-lvm:vm-900-disk-0")).toBe("marker-1");
    await pve.vm("pve1", { vmid: 900, name: "data-again", memory: 512 });
    expect(await destroy(900, "purge=1&destroy-unreferenced-disks=1")).toBe("OK");
    expect(() => sb.readVolumeData("local-lvm:vm-900-disk-0")).toThrow("does not exist");
  });

  it("a container destroyed with another owner's volume as a mount point leaves it and says so in its task log", async () => {
    const dl = await pve.post("/nodes/pve1/storage/local/download-url", { content: "vztmpl", filename: "debian-12-standard_12.7-1_amd64.tar.zst", url: "https://images.example/debian-12-standard_12.7-1_amd64.tar.zst" });
    expect((await waitTask(dl.body.data)).exitstatus).toBe("OK");
    const create = await pve.post("/nodes/pve1/lxc", { vmid: 320, ostemplate: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", rootfs: "local-lvm:2", mp0: "local-lvm:vm-900-disk-0,mp=/srv/data" });
    expect((await waitTask(create.body.data)).exitstatus).toBe("OK");
    const gone = await pve.del("/nodes/pve1/lxc/320?purge=1&destroy-unreferenced-disks=1");
    expect((await waitTask(gone.body.data)).exitstatus).toBe("OK");
    const log = (await pve.get(`/nodes/pve1/tasks/${encodeURIComponent(gone.body.data)}/log`)).body.data.map((l: { t: string }) => l.t);
    expect(log).toContain("ignore deletion of 'local-lvm:vm-900-disk-0', CT 320 isn't the owner!");
    expect(await contentIds()).toContain("local-lvm:vm-900-disk-0");
    expect(await contentIds()).not.toContain("local-lvm:vm-320-disk-0");
    expect(sb.readVolumeData("local-lvm:vm-900-disk-0")).toBe("marker-1");
  });
});

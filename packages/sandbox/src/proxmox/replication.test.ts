import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { waitFor } from "../testClient.js";
import { pveClient } from "./pveTestClient.js";

let sb: Sandbox;

describe("storage replication jobs (pve-manager API2/ReplicationConfig.pm)", () => {
  beforeEach(async () => {
    sb = await startSandbox({ proxmox: { nodes: ["pve1", "pve2"], taskMs: 50 } });
  });
  afterEach(async () => {
    await sb.stop();
  });

  it("replicates a VM whose disks are on ZFS; refuses LVM-thin disks with Proxmox's text", async () => {
    const r = pveClient(sb);
    await r.post("/storage", { storage: "tank", type: "zfspool", pool: "tank/vm" });
    await r.vm("pve1", { vmid: 100, scsi0: "tank:4", ide2: "none,media=cdrom" });
    await r.vm("pve1", { vmid: 101, scsi0: "local-lvm:4" });
    await r.vm("pve1", { vmid: 102, scsi0: "local-lvm:4,replicate=0" });

    const lvm = await r.post("/cluster/replication", { id: "101-0", type: "local", target: "pve2" });
    expect(lvm.status).toBe(500);
    expect(lvm.body.message).toBe("missing replicate feature on volume 'local-lvm:vm-101-disk-0'\n");
    expect((await r.post("/cluster/replication", { id: "102-0", type: "local", target: "pve2" })).body.message).toBe("No replicatable volumes found\n");

    expect((await r.post("/cluster/replication", { id: "100-0", type: "local", target: "pve2", schedule: "*/30", rate: 50, comment: "to pve2" })).status).toBe(200);
    const job = (await r.get("/cluster/replication/100-0")).body.data;
    expect(job).toMatchObject({ id: "100-0", type: "local", target: "pve2", guest: 100, jobnum: 0, source: "pve1", schedule: "*/30", rate: 50, comment: "to pve2" });
    expect((await r.get("/cluster/replication")).body.data).toHaveLength(1);
  });

  it("refuses a missing guest or target, the guest's own node, a second job to the same target", async () => {
    const r = pveClient(sb);
    await r.post("/storage", { storage: "tank", type: "zfspool", pool: "tank/vm" });
    await r.vm("pve1", { vmid: 100, scsi0: "tank:4" });
    expect((await r.post("/cluster/replication", { id: "150-0", type: "local", target: "pve2" })).body.message).toBe("Guest '150' does not exist.\n");
    expect((await r.post("/cluster/replication", { id: "100-0", type: "local", target: "pve7" })).body.message).toBe("Target 'pve7' does not exist.\n");
    expect((await r.post("/cluster/replication", { id: "100-0", type: "local", target: "pve1" })).body.message).toBe("Source and target must not be identical\n");
    expect((await r.post("/cluster/replication", { id: "100-0", type: "local", target: "pve2" })).status).toBe(200);
    expect((await r.post("/cluster/replication", { id: "100-1", type: "local", target: "pve2" })).body.message).toBe("replication job for guest '100' to target 'local/pve2' already exists\n");
    expect((await r.post("/cluster/replication", { id: "100-0", type: "local", target: "pve2" })).body.message).toBe("replication job '100-0' already exists\n");
    const badId = await r.post("/cluster/replication", { id: "99-0", type: "local", target: "pve2" });
    expect(badId.status).toBe(400);
  });

  it("updates a job (target is not an update parameter) and removes it in the background, as the provider waits for", async () => {
    const r = pveClient(sb);
    await r.post("/storage", { storage: "tank", type: "zfspool", pool: "tank/vm" });
    await r.vm("pve1", { vmid: 100, scsi0: "tank:4" });
    await r.post("/cluster/replication", { id: "100-0", type: "local", target: "pve2" });
    expect((await r.put("/cluster/replication/100-0", { rate: 10, disable: 1 })).status).toBe(200);
    expect((await r.get("/cluster/replication/100-0")).body.data).toMatchObject({ rate: 10, disable: 1 });
    const fixed = await r.put("/cluster/replication/100-0", { target: "pve1" });
    expect(fixed.status).toBe(400);
    expect(Object.keys(fixed.body.errors)).toEqual(["target"]);
    expect((await r.del("/cluster/replication/100-0")).status).toBe(200);
    // Marked for removal first (remove_job=full), then gone.
    expect((await r.get("/cluster/replication/100-0")).body.data?.remove_job ?? "gone").toMatch(/^(full|gone)$/);
    await waitFor(async () => (await r.get("/cluster/replication")).body.data.length === 0);
    expect((await r.del("/cluster/replication/100-0")).body.message).toBe("no such job '100-0'\n");
  });

  it("needs VM.Replicate on the guest to create a job, VM.Audit to see it", async () => {
    const r = pveClient(sb);
    await r.post("/storage", { storage: "tank", type: "zfspool", pool: "tank/vm" });
    await r.vm("pve1", { vmid: 100, scsi0: "tank:4" });
    await r.post("/access/users", { userid: "ci@pve" });
    const tok = await r.post("/access/users/ci@pve/token/deploy", { privsep: 0 });
    const t = pveClient(sb, `PVEAPIToken=ci@pve!deploy=${tok.body.data.value}`);
    const refused = await t.post("/cluster/replication", { id: "100-0", type: "local", target: "pve2" });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("Permission check failed (/vms/100, VM.Replicate)\n");
    await r.post("/cluster/replication", { id: "100-0", type: "local", target: "pve2" });
    expect((await t.get("/cluster/replication")).body.data).toEqual([]);
    await r.put("/access/acl", { path: "/vms/100", roles: "PVEVMAdmin", users: "ci@pve" });
    expect((await t.get("/cluster/replication")).body.data).toHaveLength(1);
  });

  it("a VM with replication jobs is destroyed only with purge, which removes its jobs", async () => {
    const r = pveClient(sb);
    await r.post("/storage", { storage: "tank", type: "zfspool", pool: "tank/vm" });
    await r.vm("pve1", { vmid: 100, scsi0: "tank:4" });
    await r.post("/cluster/replication", { id: "100-0", type: "local", target: "pve2" });
    expect((await r.del("/nodes/pve1/qemu/100")).body.message).toBe("There is a replication job '100-0' for guest '100' - Please remove that first.\n");
    expect((await r.del("/nodes/pve1/qemu/100?purge=1")).status).toBe(200);
    await waitFor(async () => (await r.get("/cluster/replication")).body.data.length === 0);
    await r.del("/storage/tank");
  });

  it("replicates a container whose volumes are on ZFS (pve-container LXC/Config.pm get_replicatable_volumes); destroying it needs purge, which removes its jobs", async () => {
    const r = pveClient(sb);
    await r.post("/storage", { storage: "tank", type: "zfspool", pool: "tank/vm" });
    await r.ct("pve1", { vmid: 300, rootfs: "tank:1", mp0: "tank:1,mp=/srv/data" });
    await r.ct("pve1", { vmid: 301, rootfs: "tank:1", mp0: "local-lvm:1,mp=/srv/data" });
    expect((await r.post("/cluster/replication", { id: "301-0", type: "local", target: "pve2" })).body.message).toBe("missing replicate feature on volume 'local-lvm:vm-301-disk-0'\n");
    expect((await r.post("/cluster/replication", { id: "300-0", type: "local", target: "pve2", schedule: "*/15" })).status).toBe(200);
    expect((await r.get("/cluster/replication/300-0")).body.data).toMatchObject({ guest: 300, target: "pve2", source: "pve1", schedule: "*/15" });
    expect((await r.del("/nodes/pve1/lxc/300")).body.message).toBe("There is a replication job '300-0' for guest '300' - Please remove that first.\n");
    await r.task("pve1", await r.del("/nodes/pve1/lxc/300?purge=1"), "destroying CT 300");
    expect((await r.get("/cluster/replication")).body.data).toEqual([]);
  });
});

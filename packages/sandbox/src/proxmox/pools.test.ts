import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { waitFor } from "../testClient.js";
import { pveClient } from "./pveTestClient.js";

let sb: Sandbox;

describe("pools (pve-manager PVE/API2/Pool.pm)", () => {
  beforeEach(async () => {
    sb = await startSandbox({ proxmox: { templates: [{ vmid: 9000, name: "debian-12" }], taskMs: 50 } });
  });
  afterEach(async () => {
    await sb.stop();
  });

  it("creates a pool, adds a VM and a storage, lists them as members the way the provider reads them (GET /pools?poolid=)", async () => {
    const r = pveClient(sb);
    expect((await r.post("/pools", { poolid: "web", comment: "web tier" })).status).toBe(200);
    await r.vm("pve1", { vmid: 100, name: "web-1", scsi0: "local-lvm:4" });
    expect((await r.put("/pools?poolid=web", { vms: "100", storage: "local" })).status).toBe(200);
    const got = await r.get("/pools?poolid=web");
    expect(got.body.data).toHaveLength(1);
    const pool = got.body.data[0];
    expect(pool).toMatchObject({ poolid: "web", comment: "web tier" });
    expect(pool.members.map((m: { id: string }) => m.id)).toEqual(["qemu/100", "storage/pve1/local"]);
    expect(pool.members[1]).toMatchObject({ type: "storage", storage: "local", node: "pve1", plugintype: "dir" });
    // type filters members (and needs poolid).
    expect((await r.get("/pools?poolid=web&type=storage")).body.data[0].members).toHaveLength(1);
    const noPool = await r.get("/pools?type=qemu");
    expect(noPool.status).toBe(400);
    expect((await r.get("/pools")).body.data).toEqual([{ poolid: "web", comment: "web tier" }]);
    // The deprecated /pools/{poolid} reads the same pool.
    expect((await r.get("/pools/web")).body.data.members).toHaveLength(2);
  });

  it("refuses what Pool.pm refuses: duplicates, names not starting with a letter, missing parents, double membership", async () => {
    const r = pveClient(sb);
    await r.post("/pools", { poolid: "web" });
    expect((await r.post("/pools", { poolid: "web" })).body.message).toBe("create pool failed: pool 'web' already exists\n");
    expect((await r.post("/pools", { poolid: "1web" })).body.message).toBe("create pool failed: pool name must start with a letter\n");
    expect((await r.post("/pools", { poolid: "db/primary" })).body.message).toBe("create pool failed: parent 'db' of pool 'db/primary' does not exist\n");
    expect((await r.post("/pools", { poolid: "web/api" })).status).toBe(200);
    await r.post("/pools", { poolid: "db" });
    await r.put("/pools", { poolid: "web", vms: "9000" });
    expect((await r.put("/pools", { poolid: "web", vms: "9000" })).body.message).toBe("update pools failed: VM 9000 is already a pool member\n");
    expect((await r.put("/pools", { poolid: "db", vms: "9000" })).body.message).toBe("update pools failed: VM 9000 belongs already to pool 'web' and 'allow-move' is not set\n");
    expect((await r.put("/pools", { poolid: "db", vms: "9000", "allow-move": 1 })).status).toBe(200);
    expect((await r.get("/pools?poolid=web")).body.data[0].members).toEqual([]);
    expect((await r.put("/pools", { poolid: "web", vms: "9000", delete: 1 })).body.message).toBe("update pools failed: VM 9000 is not a pool member\n");
  });

  it("lists containers as members too (type lxc), filters them by type, and keeps a pool with a container from being deleted", async () => {
    const r = pveClient(sb);
    await r.post("/pools", { poolid: "web" });
    const dl = await r.post("/nodes/pve1/storage/local/download-url", { content: "vztmpl", filename: "debian-12-standard_12.7-1_amd64.tar.zst", url: "https://images.example/debian-12-standard_12.7-1_amd64.tar.zst" });
    expect(dl.status).toBe(200);
    await waitFor(async () => ((await r.get("/nodes/pve1/storage/local/content")).body.data as { volid: string }[]).some((v) => v.volid.endsWith(".tar.zst")) || undefined);
    const ct = await r.post("/nodes/pve1/lxc", { vmid: 200, ostemplate: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", rootfs: "local-lvm:4", pool: "web" });
    expect(ct.status).toBe(200);
    await r.put("/pools", { poolid: "web", vms: "9000" });
    await waitFor(async () => ((await r.get("/nodes/pve1/lxc/200/status/current")).body.data?.lock === undefined ? true : undefined));
    const members = (await r.get("/pools?poolid=web")).body.data[0].members as { id: string; type: string }[];
    expect(members.map((m) => `${m.id} ${m.type}`)).toEqual(["lxc/200 lxc", "qemu/9000 qemu"]);
    expect(((await r.get("/pools?poolid=web&type=lxc")).body.data[0].members as { id: string }[]).map((m) => m.id)).toEqual(["lxc/200"]);
    expect(((await r.get("/pools?poolid=web&type=qemu")).body.data[0].members as { id: string }[]).map((m) => m.id)).toEqual(["qemu/9000"]);
    await r.put("/pools", { poolid: "web", vms: "9000", delete: 1 });
    expect((await r.del("/pools?poolid=web")).body.message).toBe("delete pool failed: pool 'web' is not empty (contains VM 200)\n");
    // Removing the container from the pool (PUT delete) empties it.
    expect((await r.put("/pools", { poolid: "web", vms: "200", delete: 1 })).status).toBe(200);
    expect((await r.get("/pools?poolid=web")).body.data[0].members).toEqual([]);
  });

  it("deletes only empty pools, and the pool's ACLs with it", async () => {
    const r = pveClient(sb);
    await r.post("/pools", { poolid: "web" });
    await r.post("/pools", { poolid: "web/api" });
    expect((await r.del("/pools?poolid=web")).body.message).toBe("delete pool failed: pool 'web' is not empty (contains pool 'web/api')\n");
    expect((await r.del("/pools?poolid=web/api")).status).toBe(200);
    await r.put("/pools", { poolid: "web", vms: "9000" });
    expect((await r.del("/pools?poolid=web")).body.message).toBe("delete pool failed: pool 'web' is not empty (contains VM 9000)\n");
    await r.put("/pools", { poolid: "web", vms: "9000", delete: 1 });
    await r.post("/access/users", { userid: "ci@pve" });
    await r.put("/access/acl", { path: "/pool/web", roles: "PVEVMAdmin", users: "ci@pve" });
    expect((await r.del("/pools?poolid=web")).status).toBe(200);
    expect((await r.get("/access/acl")).body.data).toEqual([]);
    expect((await r.get("/pools?poolid=web")).body.message).toBe("pool 'web' does not exist\n");
  });

  it("a role on /pool/<pool> reaches the pool's VMs (not propagated further), as RPCEnvironment.pm compiles pool ACLs", async () => {
    const r = pveClient(sb);
    await r.post("/pools", { poolid: "web" });
    await r.post("/access/users", { userid: "ci@pve" });
    const tok = await r.post("/access/users/ci@pve/token/deploy", { privsep: 0 });
    const t = pveClient(sb, `PVEAPIToken=ci@pve!deploy=${tok.body.data.value}`);
    await r.put("/access/acl", { path: "/pool/web", roles: "PVEVMAdmin", users: "ci@pve" });
    expect((await t.get("/nodes/pve1/qemu/9000/config")).status).toBe(403);
    await r.put("/pools", { poolid: "web", vms: "9000" });
    expect((await t.get("/nodes/pve1/qemu/9000/config")).status).toBe(200);
    // Pool.Allocate is not in PVEVMAdmin: the token cannot change the pool itself.
    const refused = await t.put("/pools", { poolid: "web", comment: "x" });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("Permission check failed (/pool/web, Pool.Allocate)\n");
  });

  it("destroying a VM takes it out of its pool and drops its ACLs (AccessControl.pm remove_vm_access)", async () => {
    const r = pveClient(sb);
    await r.post("/pools", { poolid: "web" });
    await r.vm("pve1", { vmid: 100, scsi0: "local-lvm:1" });
    await r.put("/pools", { poolid: "web", vms: "100" });
    await r.post("/access/users", { userid: "ci@pve" });
    await r.put("/access/acl", { path: "/vms/100", roles: "PVEVMUser", users: "ci@pve" });
    expect((await r.del("/nodes/pve1/qemu/100")).status).toBe(200);
    await waitFor(async () => (await r.get("/pools?poolid=web")).body.data[0].members.length === 0 && (await r.get("/access/acl")).body.data.length === 0);
    expect(sb.inspect().proxmox.pools.web!.vms).toEqual([]);
    expect((await r.del("/pools?poolid=web")).status).toBe(200);
  });
});

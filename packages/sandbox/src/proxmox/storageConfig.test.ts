import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { pveClient } from "./pveTestClient.js";

let sb: Sandbox;
const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7 + 16).toString(16).padStart(2, "0").slice(-2)).join(":");

describe("storage definitions (pve-storage API2/Storage/Config.pm)", () => {
  beforeEach(async () => {
    sb = await startSandbox({ proxmox: { taskMs: 50 } });
  });
  afterEach(async () => {
    await sb.stop();
  });

  it("defines dir, nfs, cifs, zfspool, lvmthin and pbs storages with their default content and shared flags", async () => {
    const r = pveClient(sb);
    const make = async (form: Record<string, string | number>) => {
      const res = await r.post("/storage", form);
      expect(res.body.errors).toBeUndefined();
      expect(res.status).toBe(200);
      expect(res.body.data).toEqual({ storage: form.storage, type: form.type });
    };
    await make({ storage: "backup-dir", type: "dir", path: "/mnt/backup", content: "backup,iso" });
    await make({ storage: "nas", type: "nfs", server: "192.168.1.20", export: "/export/pve", path: "/mnt/pve/nas" });
    await make({ storage: "smb", type: "cifs", server: "nas.lan", share: "pve", path: "/mnt/pve/smb", username: "pve", password: "s3cret-pass", content: "backup" });
    await make({ storage: "tank", type: "zfspool", pool: "tank/vm", sparse: 1 });
    await make({ storage: "thin", type: "lvmthin", vgname: "pve", thinpool: "data" });
    await make({ storage: "pbs", type: "pbs", server: "pbs.lan", datastore: "main", username: "backup@pbs", password: "pbs-secret", fingerprint: FINGERPRINT, "encryption-key": "autogen" });

    const byId = Object.fromEntries(((await r.get("/storage")).body.data as { storage: string }[]).map((s) => [s.storage, s]));
    expect(Object.keys(byId).sort()).toEqual(["backup-dir", "local", "local-lvm", "nas", "pbs", "smb", "tank", "thin"]);
    expect(byId["backup-dir"]).toMatchObject({ type: "dir", content: "backup,iso", path: "/mnt/backup" });
    // Plugin.pm parse_config: default content per type; nfs/cifs/pbs are shared.
    expect(byId.nas).toMatchObject({ content: "images", shared: 1 });
    expect(byId.tank).toMatchObject({ content: "images,rootdir", pool: "tank/vm", sparse: 1 });
    expect(byId.thin).toMatchObject({ content: "images,rootdir" });
    expect(byId.pbs).toMatchObject({ content: "backup", shared: 1, fingerprint: FINGERPRINT, username: "backup@pbs" });
    // Sensitive properties (CIFSPlugin / PBSPlugin `sensitive-properties`) are never returned.
    const all = JSON.stringify((await r.get("/storage")).body) + JSON.stringify((await r.get("/storage/pbs")).body) + JSON.stringify((await r.get("/storage/smb")).body);
    expect(all).not.toContain("s3cret-pass");
    expect(all).not.toContain("pbs-secret");
    expect(all).not.toContain("encryption-key");
    expect((await r.get("/storage?type=zfspool")).body.data.map((s: { storage: string }) => s.storage)).toEqual(["tank"]);
    // NFSPlugin.pm / CIFSPlugin.pm check_config: without a path, the mount point is /mnt/pve/<storage>.
    await make({ storage: "nas2", type: "nfs", server: "192.168.1.21", export: "/export/pve" });
    await make({ storage: "smb2", type: "cifs", server: "nas.lan", share: "pve2", username: "pve", password: "s3cret-pass" });
    expect((await r.get("/storage/nas2")).body.data.path).toBe("/mnt/pve/nas2");
    expect((await r.get("/storage/smb2")).body.data.path).toBe("/mnt/pve/smb2");
  });

  it("refuses what the plugins refuse: missing fixed options, changing them, none mixed with other content, duplicates", async () => {
    const r = pveClient(sb);
    expect((await r.post("/storage", { storage: "nas", type: "nfs", server: "192.168.1.20", path: "/mnt/pve/nas" })).body.message).toBe("missing value for required option 'export'\n");
    expect((await r.post("/storage", { storage: "d1", type: "dir", path: "/mnt/d1", content: "none,iso" })).body.message).toBe("unable to combine 'none' with other content types\n");
    expect((await r.post("/storage", { storage: "z1", type: "zfspool", pool: "tank", path: "/x" })).body.message).toBe("unexpected property 'path'\n");
    expect((await r.post("/storage", { storage: "d1", type: "dir", path: "/mnt/d1" })).status).toBe(200);
    expect((await r.post("/storage", { storage: "d1", type: "dir", path: "/mnt/d2" })).body.message).toBe("create storage failed: storage ID 'd1' already defined\n");
    // `path` is not even a parameter of the update (fixed options are left out of updateSchema).
    const fixed = await r.put("/storage/d1", { path: "/mnt/other" });
    expect(fixed.status).toBe(400);
    expect(Object.keys(fixed.body.errors)).toEqual(["path"]);
    // A content type the plugin does not support is dropped (decode_value warns).
    expect((await r.post("/storage", { storage: "z2", type: "zfspool", pool: "tank2", content: "images,iso" })).status).toBe(200);
    expect((await r.get("/storage/z2")).body.data.content).toBe("images");
  });

  it("updates and deletes a definition; its pool membership and ACLs go with it", async () => {
    const r = pveClient(sb);
    await r.post("/storage", { storage: "d1", type: "dir", path: "/mnt/d1", content: "backup" });
    expect((await r.put("/storage/d1", { content: "backup,iso", disable: 1 })).status).toBe(200);
    expect((await r.get("/storage/d1")).body.data).toMatchObject({ content: "backup,iso", disable: 1 });
    expect((await r.put("/storage/d1", { delete: "disable" })).status).toBe(200);
    expect((await r.get("/storage/d1")).body.data.disable).toBeUndefined();
    expect((await r.put("/storage/d1", { delete: "path" })).body.message).toBe("update storage failed: unable to delete required option 'path'\n");
    await r.post("/pools", { poolid: "data" });
    await r.put("/pools", { poolid: "data", storage: "d1" });
    await r.post("/access/users", { userid: "ci@pve" });
    await r.put("/access/acl", { path: "/storage/d1", roles: "PVEDatastoreUser", users: "ci@pve" });
    expect((await r.del("/storage/d1")).status).toBe(200);
    expect((await r.get("/storage/d1")).body.message).toBe("storage 'd1' does not exist\n");
    expect((await r.get("/access/acl")).body.data).toEqual([]);
    expect((await r.get("/pools?poolid=data")).body.data[0].members).toEqual([]);
    // Now empty: the pool can go.
    expect((await r.del("/pools?poolid=data")).status).toBe(200);
  });

  it("lists only the storages a token may see (Datastore.Audit or Datastore.AllocateSpace)", async () => {
    const r = pveClient(sb);
    await r.post("/access/users", { userid: "ci@pve" });
    const tok = await r.post("/access/users/ci@pve/token/deploy", { privsep: 0 });
    await r.put("/access/acl", { path: "/storage/local-lvm", roles: "PVEDatastoreUser", users: "ci@pve" });
    const t = pveClient(sb, `PVEAPIToken=ci@pve!deploy=${tok.body.data.value}`);
    expect((await t.get("/storage")).body.data.map((s: { storage: string }) => s.storage)).toEqual(["local-lvm"]);
    const refused = await t.post("/storage", { storage: "d9", type: "dir", path: "/mnt/d9" });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("Permission check failed (/storage, Datastore.Allocate)\n");
  });

  it("a defined storage is usable on its nodes: node status (enabled unless disabled), cluster resources, VM disks", async () => {
    const r = pveClient(sb);
    await r.post("/storage", { storage: "tank", type: "zfspool", pool: "tank/vm" });
    await r.post("/storage", { storage: "elsewhere", type: "dir", path: "/mnt/x", nodes: "pve9" });
    await r.post("/storage", { storage: "off", type: "dir", path: "/mnt/off", content: "backup", disable: 1 });
    const onNode = (await r.get("/nodes/pve1/storage")).body.data as { storage: string; enabled: number; type: string }[];
    expect(onNode.map((s) => s.storage).sort()).toEqual(["local", "local-lvm", "off", "tank"]);
    expect(onNode.find((s) => s.storage === "off")).toMatchObject({ enabled: 0, active: 0 });
    expect(onNode.find((s) => s.storage === "tank")).toMatchObject({ enabled: 1, type: "zfspool", content: "images,rootdir" });
    const resources = (await r.get("/cluster/resources?type=storage")).body.data as { storage: string }[];
    expect(resources.map((x) => x.storage)).toContain("tank");
    await r.vm("pve1", { vmid: 100, scsi0: "tank:4" });
    expect((await r.get("/nodes/pve1/qemu/100/config")).body.data.scsi0).toBe("tank:vm-100-disk-0,size=4G");
    expect((await r.get("/nodes/pve1/storage/tank/content")).body.data.map((v: { volid: string }) => v.volid)).toEqual(["tank:vm-100-disk-0"]);
  });
});

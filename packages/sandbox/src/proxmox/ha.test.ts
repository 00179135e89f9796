import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { waitFor } from "../testClient.js";
import { pveClient } from "./pveTestClient.js";

let sb: Sandbox;

describe("HA resources and rules (pve-ha-manager API2/HA)", () => {
  beforeEach(async () => {
    sb = await startSandbox({ proxmox: { nodes: ["pve1", "pve2"], templates: [{ vmid: 9000 }], taskMs: 50 } });
  });
  afterEach(async () => {
    await sb.stop();
  });

  it("makes a VM highly available, reads and updates it, and removes it", async () => {
    const r = pveClient(sb);
    await r.vm("pve1", { vmid: 100, scsi0: "local-lvm:4" });
    expect((await r.post("/cluster/ha/resources", { sid: "vm:100", state: "started", max_restart: 2, max_relocate: 1, comment: "web" })).status).toBe(200);
    const read = await r.get("/cluster/ha/resources/vm:100");
    expect(read.body.data).toMatchObject({ sid: "vm:100", type: "vm", state: "started", max_restart: 2, max_relocate: 1, comment: "web" });
    expect(read.body.data.digest).toMatch(/^[0-9a-f]{40}$/);
    // A bare VMID is looked up (Config.pm parse_sid).
    expect((await r.get("/cluster/ha/resources/100")).body.data.sid).toBe("vm:100");
    expect((await r.put("/cluster/ha/resources/vm:100", { state: "stopped", delete: "comment" })).status).toBe(200);
    const after = (await r.get("/cluster/ha/resources")).body.data;
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ sid: "vm:100", state: "stopped" });
    expect(after[0].comment).toBeUndefined();
    expect((await r.del("/cluster/ha/resources/vm:100")).status).toBe(200);
    expect((await r.del("/cluster/ha/resources/vm:100")).body.message).toBe("cannot delete service 'vm:100', not HA managed!\n");
  });

  it("refuses unknown guests, duplicates and groups (PVE 9.1: groups are migrated to rules)", async () => {
    const r = pveClient(sb);
    expect((await r.post("/cluster/ha/resources", { sid: "vm:150" })).body.message).toBe("resource 'vm:150' does not exist in cluster\n");
    expect((await r.post("/cluster/ha/resources", { sid: "ct:9000" })).body.message).toBe("resource 'ct:9000' - guest with ID 9000 is not a container\n");
    expect((await r.post("/cluster/ha/resources", { sid: "vm:9000" })).status).toBe(200);
    expect((await r.post("/cluster/ha/resources", { sid: "vm:9000" })).body.message).toBe("create resource failed: resource ID 'vm:9000' already defined\n");
    expect((await r.post("/cluster/ha/resources", { sid: "vm:9000", group: "g1" })).body.message).toBe("invalid parameter 'group': ha groups have been migrated to rules\n");
    expect((await r.get("/cluster/ha/groups")).body.message).toBe("cannot index groups: ha groups have been migrated to rules\n");
    expect((await r.post("/cluster/ha/groups", { group: "g1", nodes: "pve1" })).body.message).toBe("cannot create group: ha groups have been migrated to rules\n");
    const bad = await r.post("/cluster/ha/resources", { sid: "vm 100" });
    expect(bad.status).toBe(400);
  });

  it("node affinity rules: managed resources and existing nodes only, one node affinity rule per resource", async () => {
    const r = pveClient(sb);
    await r.vm("pve1", { vmid: 100, scsi0: "local-lvm:4" });
    expect((await r.post("/cluster/ha/rules", { rule: "web-on-pve1", type: "node-affinity", resources: "vm:100", nodes: "pve1:2,pve2" })).body.message).toBe("create ha rule failed: cannot use unmanaged resource(s) vm:100.\n");
    await r.post("/cluster/ha/resources", { sid: "vm:100" });
    expect((await r.post("/cluster/ha/rules", { rule: "web-on-pve1", type: "node-affinity", resources: "vm:100", nodes: "pve1:2,pve9" })).body.message).toBe("create ha rule failed: cannot use non-existent node(s) pve9.\n");
    expect((await r.post("/cluster/ha/rules", { rule: "web-on-pve1", type: "node-affinity", resources: "vm:100", nodes: "pve1:2,pve2", strict: 1 })).status).toBe(200);
    const rule = (await r.get("/cluster/ha/rules/web-on-pve1")).body.data;
    expect(rule).toMatchObject({ rule: "web-on-pve1", type: "node-affinity", resources: "vm:100", nodes: "pve1:2,pve2", strict: 1, order: 1 });
    const second = await r.post("/cluster/ha/rules", { rule: "web-on-pve2", type: "node-affinity", resources: "vm:100", nodes: "pve2" });
    expect(second.status).toBe(400);
    expect(second.body).toMatchObject({ message: "Rule 'web-on-pve2' is invalid.\n", errors: { resources: "resource 'vm:100' is already used in another node affinity rule" } });
    expect((await r.get("/cluster/ha/rules")).body.data.map((x: { rule: string }) => x.rule)).toEqual(["web-on-pve1"]);
    // Removing the resource (purge, the default) removes it from the rules; an empty rule goes.
    await r.del("/cluster/ha/resources/vm:100");
    expect((await r.get("/cluster/ha/rules")).body.data).toEqual([]);
  });

  it("resource affinity rules need two resources, and a negative one no more resources than nodes", async () => {
    const r = pveClient(sb);
    for (const vmid of [100, 101, 102]) {
      await r.vm("pve1", { vmid, scsi0: "local-lvm:1" });
      await r.post("/cluster/ha/resources", { sid: `vm:${vmid}` });
    }
    const one = await r.post("/cluster/ha/rules", { rule: "solo", type: "resource-affinity", resources: "vm:100", affinity: "positive" });
    expect(one.body.errors).toEqual({ resources: "rule is ineffective as there are less than two resources" });
    const three = await r.post("/cluster/ha/rules", { rule: "apart", type: "resource-affinity", resources: "vm:100,vm:101,vm:102", affinity: "negative" });
    expect(three.body.errors).toEqual({ resources: "rule defines more resources than available nodes" });
    expect((await r.post("/cluster/ha/rules", { rule: "apart", type: "resource-affinity", resources: "vm:100,vm:101", affinity: "negative" })).status).toBe(200);
    expect((await r.put("/cluster/ha/rules/apart", { comment: "db replicas", type: "resource-affinity" })).status).toBe(200);
    expect((await r.get("/cluster/ha/rules/apart")).body.data.comment).toBe("db replicas");
    expect((await r.del("/cluster/ha/rules/apart")).status).toBe(200);
  });

  it("a token needs Sys.Console on / to manage HA, Sys.Audit to read it", async () => {
    const r = pveClient(sb);
    await r.post("/access/users", { userid: "ci@pve" });
    const tok = await r.post("/access/users/ci@pve/token/deploy", { privsep: 0 });
    await r.put("/access/acl", { path: "/", roles: "PVEAuditor", users: "ci@pve" });
    const t = pveClient(sb, `PVEAPIToken=ci@pve!deploy=${tok.body.data.value}`);
    expect((await t.get("/cluster/ha/resources")).status).toBe(200);
    const refused = await t.post("/cluster/ha/resources", { sid: "vm:9000" });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("Permission check failed (/, Sys.Console)\n");
  });

  it("destroying an HA-managed VM needs purge, which also takes it out of HA and its rules (qemu-server destroy_vm)", async () => {
    const r = pveClient(sb);
    await r.vm("pve1", { vmid: 100, scsi0: "local-lvm:1" });
    await r.vm("pve1", { vmid: 101, scsi0: "local-lvm:1" });
    for (const sid of ["vm:100", "vm:101"]) await r.post("/cluster/ha/resources", { sid });
    await r.post("/cluster/ha/rules", { rule: "together", type: "resource-affinity", resources: "vm:100,vm:101", affinity: "positive" });
    const refused = await r.del("/nodes/pve1/qemu/100");
    expect(refused.status).toBe(500);
    expect(refused.body.message).toBe("unable to remove VM 100 - used in HA resources and purge parameter not set.\n");
    const purged = await r.del("/nodes/pve1/qemu/100?purge=1");
    expect(purged.status).toBe(200);
    await waitFor(async () => (await r.get("/cluster/ha/resources")).body.data.length === 1);
    expect((await r.get("/cluster/ha/rules/together")).body.data.resources).toBe("vm:101");
  });

  it("makes a container highly available as ct:<vmid> (Resources/PVECT.pm); destroying it needs purge, which takes it out of HA (pve-container API2/LXC.pm destroy_vm)", async () => {
    const r = pveClient(sb);
    await r.ct("pve1", { vmid: 300 });
    await r.vm("pve1", { vmid: 100, scsi0: "local-lvm:1" });
    expect((await r.post("/cluster/ha/resources", { sid: "vm:300" })).body.message).toBe("resource 'vm:300' - guest with ID 300 is not a VM\n");
    expect((await r.post("/cluster/ha/resources", { sid: "ct:100" })).body.message).toBe("resource 'ct:100' - guest with ID 100 is not a container\n");
    expect((await r.post("/cluster/ha/resources", { sid: "ct:300", state: "stopped", max_restart: 1 })).status).toBe(200);
    // A bare VMID of a container resolves to ct: (Config.pm parse_sid, Tools.pm get_ha_resource_type).
    expect((await r.get("/cluster/ha/resources/300")).body.data).toMatchObject({ sid: "ct:300", type: "ct", state: "stopped", max_restart: 1 });
    await r.post("/cluster/ha/resources", { sid: "vm:100" });
    await r.post("/cluster/ha/rules", { rule: "apart", type: "resource-affinity", resources: "ct:300,vm:100", affinity: "negative" });
    const refused = await r.del("/nodes/pve1/lxc/300");
    expect(refused.status).toBe(500);
    expect(refused.body.message).toBe("unable to remove CT 300 - used in HA resources and purge parameter not set.\n");
    await r.task("pve1", await r.del("/nodes/pve1/lxc/300?purge=1"), "destroying CT 300");
    expect((await r.get("/cluster/ha/resources")).body.data.map((x: { sid: string }) => x.sid)).toEqual(["vm:100"]);
    // The rule lost its container; left with one resource it is reported ineffective.
    expect((await r.get("/cluster/ha/rules/apart")).body.data).toMatchObject({ resources: "vm:100" });
  });
});

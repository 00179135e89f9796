import { afterEach, describe, expect, it } from "vitest";
import { call } from "../../packages/sandbox/src/testClient.js";
import { SandboxProject } from "./harness.js";

const provider = `new proxmox.Provider("pve", { endpoint: process.env.PROXMOX_VE_ENDPOINT, apiToken: process.env.PROXMOX_VE_API_TOKEN, insecure: true })`;

// The bridged provider's access and pool resources (bpg/terraform-provider-proxmox v0.112.0:
// proxmox_virtual_environment_pool/_role/_user (SDK), _user_token, _acl, _pool_membership).
const accessProgram = `
const proxmox = require("@muhlba91/pulumi-proxmoxve");
const provider = ${provider};
const pool = new proxmox.PoolLegacy("web", { poolId: "web", comment: "web tier" }, { provider });
new proxmox.pool.Membership("template-in-web", { poolId: pool.poolId, vmId: 9000 }, { provider });
const role = new proxmox.RoleLegacy("ci", { roleId: "HearthCI", privileges: ["VM.Audit", "VM.Clone", "Pool.Audit"] }, { provider });
const user = new proxmox.UserLegacy("ci", { userId: "ci@pve", comment: "CI", enabled: true }, { provider });
const token = new proxmox.user.Token("deploy", { userId: user.userId, tokenName: "deploy", privilegesSeparation: true, comment: "pipeline" }, { provider });
const path = pool.poolId.apply((id) => "/pool/" + id);
new proxmox.Acl("user-on-pool", { path, roleId: role.roleId, userId: user.userId, propagate: true }, { provider });
new proxmox.Acl("token-on-pool", { path, roleId: role.roleId, tokenId: token.id, propagate: true }, { provider });
exports.token = token.value;
`;

// Storage definitions, HA and replication: a ZFS pool and a PBS storage, a VM on the ZFS pool made
// highly available with a node affinity rule, and replicated to the second node.
const resilienceProgram = `
const proxmox = require("@muhlba91/pulumi-proxmoxve");
const provider = ${provider};
const tank = new proxmox.storage.Zfspool("tank", { resourceId: "tank", zfsPool: "tank/vm", contents: ["images", "rootdir"], thinProvision: true }, { provider });
new proxmox.storage.Pbs("pbs", { resourceId: "pbs", server: "pbs.lan", datastore: "main", username: "backup@pbs", password: "pbs-secret-password", fingerprint: "${"ab:".repeat(31)}ab", contents: ["backup"] }, { provider });
const vm = new proxmox.VmLegacy("db", {
  nodeName: "pve1", vmId: 100, name: "db", started: false,
  disks: [{ datastoreId: tank.id, interface: "scsi0", size: 4 }],
}, { provider });
const ha = new proxmox.Haresource("db", { resourceId: vm.vmId.apply((id) => "vm:" + id), state: "started", maxRestart: 2, maxRelocate: 1 }, { provider });
new proxmox.Harule("db-prefers-pve1", { rule: "db-prefers-pve1", type: "node-affinity", resources: [ha.resourceId], nodes: { pve1: 2, pve2: 1 } }, { provider });
new proxmox.Replication("db-to-pve2", { resourceId: vm.vmId.apply((id) => id + "-0"), target: "pve2", type: "local", schedule: "*/30", rate: 50 }, { provider });
`;

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);

describe("proxmoxve access, pools, storage, HA and replication resources against the sandbox", () => {
  it("creates a pool, role, user, privilege-separated token and ACLs; the token is enforced like a real one; destroy leaves nothing", async () => {
    project = await SandboxProject.create("pve-access", accessProgram, { proxmox: { templates: [{ vmid: 9000, name: "debian-12" }] } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const access = p.sandbox.inspect().proxmox.access!;
    expect(Object.keys(access.users).sort()).toEqual(["ci@pve", "root@pam"]);
    expect(access.users["ci@pve"]!.tokens.deploy).toMatchObject({ privsep: 1, comment: "pipeline" });
    expect(access.roles.HearthCI).toEqual(["Pool.Audit", "VM.Audit", "VM.Clone"]);
    expect(access.acl.map((e) => `${e.path} ${e.type} ${e.ugid} ${e.roleid} ${e.propagate}`).sort()).toEqual(["/pool/web token ci@pve!deploy HearthCI 1", "/pool/web user ci@pve HearthCI 1"]);
    expect(p.sandbox.inspect().proxmox.pools.web).toMatchObject({ poolid: "web", comment: "web tier", vms: [9000] });

    // The secret is a secret output: not in the state in clear text, readable with --show-secrets.
    const out = await p.pulumi(["stack", "output", "token", "--show-secrets"]);
    ok(out);
    const full = out.output.trim().split("\n").pop()!;
    expect(full).toMatch(/^ci@pve!deploy=[0-9a-f-]{36}$/);
    expect(p.stateText()).not.toContain(full.split("=")[1]);

    // The token the program made may audit the pool's VM (pool ACL, user and token both), and nothing else.
    const as = { Authorization: `PVEAPIToken=${full}` };
    const api = (path: string): string => `${p.sandbox.proxmox.endpoint}api2/json${path}`;
    expect((await call(api("/nodes/pve1/qemu/9000/config"), { headers: as })).status).toBe(200);
    const refused = await call(api("/cluster/backup"), { headers: as });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ message: "Permission check failed (/, Sys.Audit)\n" });

    expect(await p.previewChanges()).toEqual([]);
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
    expect((await call(api("/version"), { headers: as })).status).toBe(401);
  });

  it("defines ZFS and PBS storages, makes a VM on ZFS highly available with a rule, replicates it; secrets stay out of reads; HA drift is reverted; destroy leaves nothing", async () => {
    project = await SandboxProject.create("pve-resilience", resilienceProgram, { proxmox: { nodes: ["pve1", "pve2"] } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const pve = p.sandbox.inspect().proxmox;
    expect(pve.storageConfig).toMatchObject({ tank: { type: "zfspool", pool: "tank/vm" }, pbs: { type: "pbs", datastore: "main" } });
    expect(JSON.stringify(pve)).not.toContain("pbs-secret-password");
    expect(pve.ha!.resources["vm:100"]).toMatchObject({ type: "vm", state: "started", max_restart: 2, max_relocate: 1 });
    expect(pve.ha!.rules["db-prefers-pve1"]).toMatchObject({ type: "node-affinity", resources: "vm:100" });
    expect(pve.replication!["100-0"]).toMatchObject({ target: "pve2", guest: 100, schedule: "*/30", rate: 50 });
    // Nothing to change but the VM's known upstream disk-speed diff (muhlba91/pulumi-proxmoxve#664; see proxmox.e2e.ts).
    const changes = await p.previewChanges();
    expect(changes.flatMap((c) => c.paths.filter((path) => !/^disks\[\d+\]\.speed$/.test(path)).map((path) => `${c.name} ${path}`))).toEqual([]);
    expect(changes.map((c) => c.name)).toEqual(changes.length ? ["db"] : []);
    // Drift on the HA resource is seen and reverted.
    p.sandbox.mutate({ api: "proxmox", kind: "haResource", id: "vm:100", set: { max_restart: 5 } });
    const drift = await p.pulumi(["preview", "--refresh", "--diff"]);
    ok(drift);
    expect(drift.output).toMatch(/maxRestart\s*:\s*5 => 2/);
    ok(await p.pulumi(["up", "--refresh", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().proxmox.ha!.resources["vm:100"]!.max_restart).toBe(2);
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
  });
});

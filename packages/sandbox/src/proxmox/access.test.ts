import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { call } from "../testClient.js";
import { emptyData } from "../state.js";
import { accessState, checkPath, createAccess, type PveAcl, SPECIAL_ROLES, VALID_PRIVS } from "./access.js";
import { specFile } from "./permissionTable.js";

let sb: Sandbox;
const api = (path: string): string => `${sb.proxmox.endpoint}api2/json${path}`;
const root = (): Record<string, string> => ({ Authorization: `PVEAPIToken=${sb.proxmox.apiToken}` });
type Form = Record<string, string | number>;
const as = (auth: Record<string, string>) => ({
  get: (path: string) => call(api(path), { headers: auth }),
  post: (path: string, form: Form = {}) => call(api(path), { method: "POST", headers: auth, form }),
  put: (path: string, form: Form) => call(api(path), { method: "PUT", headers: auth, form }),
  del: (path: string) => call(api(path), { method: "DELETE", headers: auth }),
});
const rootApi = () => as(root());
const tokenAuth = (fullId: string, value: string): Record<string, string> => ({ Authorization: `PVEAPIToken=${fullId}=${value}` });

/** Create user ci@pve, a role, a privsep token; return the token's auth header. */
async function ciToken(privs: string, extra: Form = {}): Promise<{ auth: Record<string, string>; id: string; value: string }> {
  const r = rootApi();
  expect((await r.post("/access/users", { userid: "ci@pve", comment: "CI" })).status).toBe(200);
  const role = await r.post("/access/roles", { roleid: "HearthCI", privs });
  expect(role.body).toEqual({ data: null });
  const created = await r.post(`/access/users/${encodeURIComponent("ci@pve")}/token/deploy`, { privsep: 1, ...extra });
  expect(created.body.errors).toBeUndefined();
  expect(created.status).toBe(200);
  const { value, "full-tokenid": id } = created.body.data as { value: string; "full-tokenid": string };
  return { auth: tokenAuth(id, value), id, value };
}

describe("access: users, roles, ACLs, API tokens (pve-access-control)", () => {
  beforeEach(async () => {
    sb = await startSandbox({ proxmox: { templates: [{ vmid: 9000, name: "debian-12" }], taskMs: 50 } });
  });
  afterEach(async () => {
    await sb.stop();
  });

  it("creates, reads and deletes a user; refuses duplicates and unknown users with Proxmox's texts", async () => {
    const r = rootApi();
    expect((await r.post("/access/users", { userid: "ci@pve", comment: "CI", expire: 0, enable: 1 })).status).toBe(200);
    const dup = await r.post("/access/users", { userid: "ci@pve" });
    expect(dup.status).toBe(500);
    expect(dup.body.message).toBe("create user failed: user 'ci@pve' already exists\n");
    const read = await r.get("/access/users/ci@pve");
    // create_user keeps expire only when non-zero.
    expect(read.body.data).toEqual({ enable: 1, comment: "CI", groups: [], tokens: {} });
    const list = await r.get("/access/users");
    expect(list.body.data.map((u: { userid: string }) => u.userid).sort()).toEqual(["ci@pve", "root@pam"]);
    expect((await r.del("/access/users/ci@pve")).status).toBe(200);
    const gone = await r.get("/access/users/ci@pve");
    expect(gone.status).toBe(500);
    expect(gone.body.message).toBe("no such user ('ci@pve')\n");
  });

  it("roles: privileges are checked against PVE 9.1's names; built-in roles cannot change; the PVE prefix is reserved", async () => {
    const r = rootApi();
    expect((await r.post("/access/roles", { roleid: "Deployer", privs: "VM.Audit,VM.Allocate,VM.Audit" })).status).toBe(200);
    expect((await r.get("/access/roles/Deployer")).body.data).toEqual({ "VM.Allocate": 1, "VM.Audit": 1 });
    expect((await r.put("/access/roles/Deployer", { privs: "Pool.Audit", append: 1 })).status).toBe(200);
    expect(Object.keys((await r.get("/access/roles/Deployer")).body.data).sort()).toEqual(["Pool.Audit", "VM.Allocate", "VM.Audit"]);
    expect((await r.put("/access/roles/Deployer", { privs: "Sys.Audit" })).status).toBe(200);
    expect((await r.get("/access/roles/Deployer")).body.data).toEqual({ "Sys.Audit": 1 });

    const bad = await r.post("/access/roles", { roleid: "Bad", privs: "VM.Audit,VM.Fly" });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.privs).toContain("invalid privilege 'VM.Fly'");
    const reserved = await r.post("/access/roles", { roleid: "pveThing", privs: "VM.Audit" });
    expect(reserved.status).toBe(400);
    expect(reserved.body.errors).toEqual({ roleid: "cannot use role ID starting with the (case-insensitive) 'PVE' namespace" });
    const builtin = await r.put("/access/roles/PVEVMAdmin", { privs: "VM.Audit" });
    expect(builtin.body.message).toBe("auto-generated role 'PVEVMAdmin' cannot be modified\n");
    const roles = (await r.get("/access/roles")).body.data as { roleid: string; special: number; privs: string }[];
    expect(roles.find((x) => x.roleid === "PVEAuditor")).toMatchObject({ special: 1 });
    expect(roles.find((x) => x.roleid === "Deployer")).toEqual({ roleid: "Deployer", privs: "Sys.Audit", special: 0 });
    expect((await r.del("/access/roles/Deployer")).status).toBe(200);
    expect((await r.del("/access/roles/Deployer")).body.message).toBe("delete role failed: role 'Deployer' does not exist\n");
  });

  it("a token's secret is returned once, at creation; GET never shows it; expire and privsep are kept", async () => {
    const r = rootApi();
    await r.post("/access/users", { userid: "ci@pve" });
    const expire = Math.floor(Date.now() / 1000) + 3600;
    const created = await r.post("/access/users/ci@pve/token/deploy", { expire, comment: "pipeline" });
    expect(created.body.data).toMatchObject({ "full-tokenid": "ci@pve!deploy", info: { privsep: 1, expire, comment: "pipeline" } });
    expect(created.body.data.value).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const read = await r.get("/access/users/ci@pve/token/deploy");
    expect(read.body.data).toEqual({ privsep: 1, expire, comment: "pipeline" });
    expect(JSON.stringify((await r.get("/access/users/ci@pve")).body)).not.toContain(created.body.data.value);
    const again = await r.post("/access/users/ci@pve/token/deploy", {});
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual({ tokenid: "Token already exists." });
    expect((await r.get("/access/users/ci@pve/token")).body.data).toEqual([{ tokenid: "deploy", privsep: 1, expire, comment: "pipeline" }]);
  });

  it("a privsep token has the intersection of its ACLs and its user's: a role on the token alone gives nothing", async () => {
    const { auth, id } = await ciToken("VM.Audit,VM.Clone,VM.Allocate,Sys.Audit");
    const r = rootApi();
    const t = as(auth);
    // No ACL at all: 403 with the path and privilege.
    const none = await t.get("/nodes/pve1/qemu/9000/config");
    expect(none.status).toBe(403);
    expect(none.body.message).toBe("Permission check failed (/vms/9000, VM.Audit)\n");
    // ACL for the token only: the user has nothing there, so the intersection is empty.
    expect((await r.put("/access/acl", { path: "/vms", roles: "HearthCI", tokens: id })).status).toBe(200);
    expect((await t.get("/nodes/pve1/qemu/9000/config")).status).toBe(403);
    // The same role for the user: now both have it.
    expect((await r.put("/access/acl", { path: "/vms", roles: "HearthCI", users: "ci@pve" })).status).toBe(200);
    expect((await t.get("/nodes/pve1/qemu/9000/config")).status).toBe(200);
    // A user role the token lacks stays out of reach: the user may audit /storage, the token not.
    await r.put("/access/acl", { path: "/storage", roles: "PVEDatastoreAdmin", users: "ci@pve" });
    expect((await t.get("/storage/local")).status).toBe(403);
    expect((await as(root()).get("/storage/local")).status).toBe(200);
    const acl = (await r.get("/access/acl")).body.data;
    expect(acl).toEqual(
      expect.arrayContaining([
        { path: "/vms", type: "token", ugid: "ci@pve!deploy", roleid: "HearthCI", propagate: 1 },
        { path: "/vms", type: "user", ugid: "ci@pve", roleid: "HearthCI", propagate: 1 },
      ]),
    );
  });

  it("a token without privilege separation has its user's rights; expired tokens and users, wrong secrets get 401 Authentication failed!", async () => {
    const r = rootApi();
    await r.post("/access/users", { userid: "ops@pve" });
    await r.put("/access/acl", { path: "/", roles: "PVEAuditor", users: "ops@pve" });
    const full = await r.post("/access/users/ops@pve/token/full", { privsep: 0 });
    const fullAuth = tokenAuth("ops@pve!full", full.body.data.value);
    expect((await as(fullAuth).get("/cluster/backup")).status).toBe(200);
    // Auditor has no Sys.Modify.
    const refused = await as(fullAuth).post("/cluster/backup", { schedule: "daily", storage: "local", all: 1 });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("Permission check failed (/, Sys.Modify)\n");

    const past = Math.floor(Date.now() / 1000) - 10;
    const old = await r.post("/access/users/ops@pve/token/old", { privsep: 0, expire: past });
    const expired = await as(tokenAuth("ops@pve!old", old.body.data.value)).get("/version");
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe("Authentication failed!\n");
    expect((await as(tokenAuth("ops@pve!full", "00000000-0000-0000-0000-000000000000")).get("/version")).status).toBe(401);
    await r.put("/access/users/ops@pve", { enable: 0 });
    const disabled = await as(fullAuth).get("/version");
    expect(disabled.status).toBe(401);
    expect(disabled.body.message).toBe("Authentication failed!\n");
  });

  it("ACL paths propagate unless told not to; the deepest entry wins; NoAccess trumps", async () => {
    const r = rootApi();
    await r.post("/access/users", { userid: "u@pve" });
    const tok = await r.post("/access/users/u@pve/token/tk", { privsep: 0 });
    const t = as(tokenAuth("u@pve!tk", tok.body.data.value));
    await r.put("/access/acl", { path: "/vms", roles: "PVEVMAdmin", users: "u@pve", propagate: 0 });
    expect((await t.get("/nodes/pve1/qemu/9000/config")).status).toBe(403);
    await r.put("/access/acl", { path: "/vms", roles: "PVEVMAdmin", users: "u@pve", delete: 1 });
    await r.put("/access/acl", { path: "/vms", roles: "PVEVMAdmin", users: "u@pve" });
    expect((await t.get("/nodes/pve1/qemu/9000/config")).status).toBe(200);
    await r.put("/access/acl", { path: "/vms/9000", roles: "NoAccess", users: "u@pve" });
    expect((await t.get("/nodes/pve1/qemu/9000/config")).status).toBe(403);
  });

  it("refuses bad ACL updates with Proxmox's texts", async () => {
    const r = rootApi();
    await r.post("/access/users", { userid: "u@pve" });
    const noOne = await r.put("/access/acl", { path: "/", roles: "PVEAuditor" });
    expect(noOne.status).toBe(400);
    expect(noOne.body.errors).toEqual({ users: "either 'users', 'groups' or 'tokens' is required.", groups: "either 'users', 'groups' or 'tokens' is required.", tokens: "either 'users', 'groups' or 'tokens' is required." });
    const badPath = await r.put("/access/acl", { path: "/vms/abc", roles: "PVEAuditor", users: "u@pve" });
    expect(badPath.body.errors).toEqual({ path: "invalid ACL path '/vms/abc'" });
    const noRole = await r.put("/access/acl", { path: "/", roles: "Nope", users: "u@pve" });
    expect(noRole.body.message).toBe("ACL update failed: role 'Nope' does not exist\n");
    const noUser = await r.put("/access/acl", { path: "/", roles: "PVEAuditor", users: "x@pve" });
    expect(noUser.body.message).toBe("ACL update failed: user 'x@pve' does not exist\n");
    const noToken = await r.put("/access/acl", { path: "/", roles: "PVEAuditor", tokens: "u@pve!nope" });
    expect(noToken.body.message).toBe("ACL update failed: no such token 'nope' for user 'u@pve'\n");
  });

  it("a token without Permissions.Modify may only hand out privileges it holds (ACL.pm update_acl)", async () => {
    const { auth, id } = await ciToken("VM.Allocate,VM.Audit");
    const r = rootApi();
    for (const kind of [{ users: "ci@pve" }, { tokens: id }] as Form[]) await r.put("/access/acl", { path: "/vms/9000", roles: "HearthCI", ...kind });
    await r.post("/access/users", { userid: "other@pve" });
    const t = as(auth);
    // perm-modify on /vms/9000 passes through VM.Allocate; the role's privileges are a subset.
    expect((await t.put("/access/acl", { path: "/vms/9000", roles: "HearthCI", users: "other@pve", propagate: 0 })).status).toBe(200);
    const wider = await t.put("/access/acl", { path: "/vms/9000", roles: "PVEVMAdmin", users: "other@pve" });
    expect(wider.status).toBe(400);
    expect(wider.body.errors).toEqual({ role: "Cannot add role 'PVEVMAdmin' - requires 'Permissions.Modify' or superset of privileges." });
    const elsewhere = await t.put("/access/acl", { path: "/vms/100", roles: "HearthCI", users: "other@pve" });
    expect(elsewhere.status).toBe(403);
    expect(elsewhere.body.message).toBe("Permission check failed (/vms/100, Permissions.Modify|VM.Allocate)\n");
  });

  it("deleting a token or its user deletes the token and its ACL entries", async () => {
    const { auth, id } = await ciToken("VM.Audit");
    const r = rootApi();
    for (const kind of [{ users: "ci@pve" }, { tokens: id }] as Form[]) await r.put("/access/acl", { path: "/vms", roles: "HearthCI", ...kind });
    expect((await as(auth).get("/nodes/pve1/qemu/9000/config")).status).toBe(200);
    expect((await r.del("/access/users/ci@pve/token/deploy")).status).toBe(200);
    const after = await as(auth).get("/version");
    expect(after.status).toBe(401);
    expect(after.body.message).toBe("Authentication failed!\n");
    expect((await r.get("/access/acl")).body.data.filter((e: { type: string }) => e.type === "token")).toEqual([]);
    expect((await r.del("/access/users/ci@pve")).status).toBe(200);
    expect((await r.get("/access/acl")).body.data).toEqual([]);
  });

  it("a token with User.Modify on /access/groups and Realm.AllocateUser may manage users and tokens, one without may not", async () => {
    const { auth, id } = await ciToken("User.Modify,Realm.AllocateUser,Sys.Audit");
    const r = rootApi();
    const t = as(auth);
    const refused = await t.post("/access/users", { userid: "bot@pve" });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe("Permission check failed (/access/realm/pve, Realm.AllocateUser)\n");
    for (const kind of [{ users: "ci@pve" }, { tokens: id }] as Form[]) await r.put("/access/acl", { path: "/access", roles: "HearthCI", ...kind });
    expect((await t.post("/access/users", { userid: "bot@pve" })).status).toBe(200);
    expect((await t.post("/access/users/bot@pve/token/tk", {})).status).toBe(200);
    // The token is not the user ci@pve: "self" never matches a token.
    await r.put("/access/acl", { path: "/access", roles: "HearthCI", tokens: id, delete: 1 });
    const own = await t.get("/access/users/ci@pve/token");
    expect(own.status).toBe(403);
  });
});

describe("verify_token's reasons (AccessControl.pm), which a real host logs", () => {
  it("names a disabled or expired user, an expired or missing token, a wrong secret", () => {
    const pve = emptyData().proxmox;
    const access = createAccess(pve, () => ({ vms: [], storage: [] }));
    const now = 1_800_000_000;
    const sha = (s: string): string => createHash("sha256").update(s).digest("hex");
    accessState(pve).users["ci@pve"] = { enable: 1, tokens: { ok: { privsep: 1, secretSha256: sha("s1") }, old: { privsep: 1, expire: now - 1, secretSha256: sha("s2") } } };
    expect(access.verifyToken("ci@pve!ok", "s1", now)).toBeUndefined();
    expect(access.verifyToken("ci@pve!ok", "nope", now)).toBe("invalid token value!");
    expect(access.verifyToken("ci@pve!old", "s2", now)).toBe("token 'old' access expired");
    expect(access.verifyToken("ci@pve!gone", "s1", now)).toBe("no such token 'gone' for user 'ci@pve'");
    expect(access.verifyToken("x@pve!ok", "s1", now)).toBe("no such user ('x@pve')");
    accessState(pve).users["ci@pve"]!.expire = now - 1;
    expect(access.verifyToken("ci@pve!ok", "s1", now)).toBe("user 'ci@pve' access expired");
    accessState(pve).users["ci@pve"]!.enable = 0;
    expect(access.verifyToken("ci@pve!ok", "s1", now)).toBe("user 'ci@pve' is disabled");
  });
});

describe("the privilege model is PVE 9.1's", () => {
  it("the privilege names are exactly the schema's (GET /access/roles/{roleid} returns one property per privilege)", () => {
    const spec = JSON.parse(readFileSync(specFile(), "utf8")) as { path: string; info?: Record<string, { returns?: { properties?: Record<string, unknown> } }>; children?: unknown[] }[];
    const find = (nodes: typeof spec, path: string): (typeof spec)[number] | undefined => {
      for (const n of nodes) {
        if (n.path === path) return n;
        const hit = find((n.children ?? []) as typeof spec, path);
        if (hit) return hit;
      }
      return undefined;
    };
    const props = Object.keys(find(spec, "/access/roles/{roleid}")?.info?.GET?.returns?.properties ?? {});
    expect(props.length).toBeGreaterThan(40);
    expect([...VALID_PRIVS].sort()).toEqual(props.sort());
  });
  it("builds the built-in roles like create_roles", () => {
    expect(SPECIAL_ROLES.PVEAuditor).toEqual(["Datastore.Audit", "Mapping.Audit", "Pool.Audit", "SDN.Audit", "Sys.Audit", "VM.Audit", "VM.GuestAgent.Audit"]);
    expect(SPECIAL_ROLES.PVETemplateUser).toEqual(["VM.Audit", "VM.Clone"]);
    expect(SPECIAL_ROLES.PVEAdmin).not.toContain("Mapping.Modify");
    expect(SPECIAL_ROLES.PVEAdmin).not.toContain("Sys.Modify");
    expect(SPECIAL_ROLES.Administrator).toHaveLength(VALID_PRIVS.size);
    expect(SPECIAL_ROLES.NoAccess).toEqual([]);
  });
  it.each([
    ["/", true],
    ["/vms/100", true],
    ["/vms/99", false],
    ["/pool/web/db", true],
    ["/storage/local-zfs", true],
    ["/sdn/zones/lab/vnet1/10", true],
    ["/nodes/pve1/qemu", false],
  ])("ACL path %s valid: %s (check_path)", (path, valid) => {
    expect(checkPath(path)).toBe(valid);
  });
});

describe("the intersection rule holds for any ACL set (RPCEnvironment.pm permissions)", () => {
  const paths = ["/", "/vms", "/vms/100", "/vms/101", "/storage", "/storage/local", "/pool/web", "/access", "/access/groups", "/sdn/zones/lab"];
  const roles = Object.keys(SPECIAL_ROLES);
  const entry = fc.record({ path: fc.constantFrom(...paths), type: fc.constantFrom("user" as const, "token" as const), roleid: fc.constantFrom(...roles), propagate: fc.constantFrom(0, 1) });
  it("a privsep token never holds a privilege its user lacks, nor one no role of its own grants; without privsep it holds exactly the user's", () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 12 }), fc.constantFrom(...paths), fc.boolean(), (entries, path, inPool) => {
        const pve = emptyData().proxmox;
        pve.pools.web = { poolid: "web", vms: inPool ? [100] : [] };
        const cfg = accessState(pve);
        cfg.users["ci@pve"] = { enable: 1, tokens: { sep: { privsep: 1, secretSha256: "" }, full: { privsep: 0, secretSha256: "" } } };
        cfg.acl = entries.flatMap((e): PveAcl[] =>
          e.type === "user"
            ? [{ path: e.path, type: "user" as const, ugid: "ci@pve", roleid: e.roleid, propagate: e.propagate }]
            : [{ path: e.path, type: "token" as const, ugid: "ci@pve!sep", roleid: e.roleid, propagate: e.propagate }, { path: e.path, type: "token" as const, ugid: "ci@pve!full", roleid: e.roleid, propagate: e.propagate }],
        );
        const access = createAccess(pve, (pool) => ({ vms: pve.pools[pool]?.vms ?? [], storage: [] }));
        const user = access.permissions("ci@pve", path);
        const sep = access.permissions("ci@pve!sep", path);
        const granted = new Set(entries.filter((e) => e.type === "token").flatMap((e) => SPECIAL_ROLES[e.roleid] ?? []));
        for (const p of sep.keys()) {
          expect(user.has(p)).toBe(true);
          expect(granted.has(p)).toBe(true);
        }
        expect([...access.permissions("ci@pve!full", path).keys()].sort()).toEqual([...user.keys()].sort());
        // root@pam holds every privilege everywhere.
        expect(access.permissions("root@pam", path).size).toBe(VALID_PRIVS.size);
      }),
      { numRuns: 300 },
    );
  });
});

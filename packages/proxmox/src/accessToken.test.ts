import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { captureChildren, expectRefused, installMocks, outputOf as value, presets, recorded, resetMocks, settle } from "@hearth/kit/testing";
import { AccessToken, type AccessTokenArgs } from "./accessToken.js";
import { accessPresets } from "./accessPresets.js";
import { Pool } from "./pool.js";

const SECRET = "6f1d3c2a-8b7e-4f50-9a1c-2e3d4c5b6a79";
const types = {
  user: "proxmoxve:index/userLegacy:UserLegacy",
  token: "proxmoxve:user/token:Token",
  role: "proxmoxve:index/roleLegacy:RoleLegacy",
  acl: "proxmoxve:index/acl:Acl",
  pool: "proxmoxve:index/poolLegacy:PoolLegacy",
};

beforeAll(() =>
  installMocks({
    answers: [
      presets.proxmox,
      // The provider answers a token with its id `user@realm!name` and `value` `user@realm!name=<uuid>`.
      { [types.token]: (args) => ({ id: `${args.inputs.userId}!${args.inputs.tokenName}`, state: { value: `${args.inputs.userId}!${args.inputs.tokenName}=${SECRET}` } }) },
    ],
  }),
);
beforeEach(async () => {
  await resetMocks();
});

const ci: AccessTokenArgs = { purpose: "homeStackCi", userId: "ci-home@pve", tokenName: "ci", pool: "home", vmIds: [9000, 2001], storages: ["local", "local-lvm"], sdnZones: ["lab"] };

describe("AccessToken", () => {
  it("creates the user, one role per scope with the preset's privileges, ACLs for token and user on each path, and a privilege-separated token", async () => {
    const capture = captureChildren();
    const t = new AccessToken("ci", ci, { transformations: capture.transformations });
    expect(await value(t.tokenId)).toBe("ci-home@pve!ci");
    expect(await value(t.userId)).toBe("ci-home@pve");
    await settle();
    const of = (type: string) => recorded.filter((r) => r.type === type);
    expect(of(types.user).map((r) => r.inputs)).toEqual([expect.objectContaining({ userId: "ci-home@pve", enabled: true })]);
    expect(of(types.token)[0]!.inputs).toMatchObject({ userId: "ci-home@pve", tokenName: "ci", privilegesSeparation: true });
    const preset = accessPresets.homeStackCi;
    const byId = (a: [string, unknown], b: [string, unknown]) => a[0].localeCompare(b[0]);
    expect(of(types.role).map((r): [string, unknown] => [r.inputs.roleId, r.inputs.privileges]).sort(byId)).toEqual(preset.map((g): [string, unknown] => [`hearth-ci-${g.scope}`, [...g.privileges]]).sort(byId));
    const acls = of(types.acl).map((r) => `${r.name} ${r.inputs.path} ${r.inputs.roleId} ${r.inputs.tokenId ?? r.inputs.userId}`);
    expect(acls).toContain("ci-pool-token /pool/home hearth-ci-pool ci-home@pve!ci");
    expect(acls).toContain("ci-pool-user /pool/home hearth-ci-pool ci-home@pve");
    expect(acls).toContain("ci-guest-2001-token /vms/2001 hearth-ci-guest ci-home@pve!ci");
    expect(acls).toContain("ci-storage-local-lvm-token /storage/local-lvm hearth-ci-storage ci-home@pve!ci");
    expect(acls).toContain("ci-sdnZone-lab-token /sdn/zones/lab hearth-ci-sdnZone ci-home@pve!ci");
    // One ACL pair per path: the token's and the user's (a privsep token has the intersection of both).
    const paths = preset.reduce((n, g) => n + (g.scope === "guest" ? 2 : g.scope === "storage" ? 2 : 1), 0);
    expect(of(types.acl)).toHaveLength(2 * paths);
    expect((await value(t.acls)).find((a) => a.path === "/pool/home")).toMatchObject({ roleId: "hearth-ci-pool", propagate: false });
    // Every child is parented to the component; the token's value is a secret output of the child.
    for (const c of capture.children) expect(capture.parents.get(`${c.type}::${c.name}`)).toBe(t);
    expect(capture.optionsOf(types.token, "ci").additionalSecretOutputs).toContain("value");
  });

  it("keeps the secret secret: apiToken and tokenSecret are secret outputs, and the secret is in no plain output", async () => {
    const t = new AccessToken("ci", ci);
    expect(await pulumi.isSecret(t.apiToken)).toBe(true);
    expect(await pulumi.isSecret(t.tokenSecret)).toBe(true);
    expect(await value(t.apiToken)).toBe(`ci-home@pve!ci=${SECRET}`);
    expect(await value(t.tokenSecret)).toBe(SECRET);
    expect(await pulumi.isSecret(t.tokenId)).toBe(false);
    const plain = JSON.stringify([await value(t.tokenId), await value(t.userId), await value(t.acls)]);
    expect(plain).not.toContain(SECRET);
  });

  it("with an existing user, creates no user and gives only the token ACLs", async () => {
    new AccessToken("ci", { ...ci, createUser: false, userId: "automation@pve" });
    await settle();
    expect(recorded.filter((r) => r.type === types.user)).toEqual([]);
    const acls = recorded.filter((r) => r.type === types.acl);
    expect(acls.every((r) => r.inputs.tokenId === "automation@pve!ci" && r.inputs.userId === undefined)).toBe(true);
  });

  it("takes a Pool's poolId, and readOnly is the audit privileges on / for every path below", async () => {
    const pool = new Pool("home", { comment: "home guests" });
    new AccessToken("ci", { ...ci, pool: pool.poolId });
    new AccessToken("viewer", { purpose: "readOnly", userId: "viewer@pve" });
    await settle();
    expect(recorded.find((r) => r.type === types.pool)?.inputs).toEqual({ poolId: "home", comment: "home guests" });
    expect(recorded.find((r) => r.name === "ci-pool-token")?.inputs.path).toBe("/pool/home");
    const viewer = recorded.filter((r) => r.type === types.acl && r.name.startsWith("viewer-"));
    expect(viewer.map((r) => [r.inputs.path, r.inputs.propagate])).toEqual([["/", true], ["/", true]]);
    expect(recorded.find((r) => r.type === types.role && r.name === "viewer-cluster")?.inputs.privileges).toEqual(["Datastore.Audit", "Mapping.Audit", "Pool.Audit", "SDN.Audit", "Sys.Audit", "VM.Audit", "VM.GuestAgent.Audit"]);
  });

  it("refuses root@pam, missing scopes, scopes the purpose does not use, and bad ids, registering nothing", async () => {
    await expectRefused(() => new AccessToken("a", { ...ci, userId: "root@pam" }), "never belongs to root@pam");
    await expectRefused(() => new AccessToken("b", { ...ci, pool: undefined }), "pool: ");
    await expectRefused(() => new AccessToken("c", { ...ci, storages: [] }), "storages");
    await expectRefused(() => new AccessToken("d", { purpose: "readOnly", userId: "v@pve", pool: "home" }), "grants nothing on pool");
    await expectRefused(() => new AccessToken("e", { ...ci, purpose: "admin" as never }), "purpose");
    await expectRefused(() => new AccessToken("f", { ...ci, storages: ["local", "local"] }), "listed twice");
    await expectRefused(() => new AccessToken("g", { ...ci, vmIds: [99] }), "VM id");
  });

  it("refuses two tokens that would share role ids or a token id", async () => {
    new AccessToken("ci", ci);
    await expectRefused(() => new AccessToken("ci2", { ...ci, rolePrefix: "hearth-ci" }), "role id");
    await expectRefused(() => new AccessToken("ci3", { ...ci, rolePrefix: "other" }), "token id");
  });

  it("refuses any malformed user id, token name or SDN zone id before registering anything (property)", async () => {
    const badUser = fc.oneof(fc.constantFrom("ci", "ci@", "@pve", "c i@pve", "ci@pve!x", "ci:x@pve", "ci/x@pve", `${"a".repeat(61)}@pve`), fc.integer());
    const badToken = fc.constantFrom("1ci", "c", "ci token", "ci=x", "ci!x", "");
    const badZone = fc.constantFrom("Lab", "lab-net", "toolongzone", "1lab", "");
    await fc.assert(
      fc.asyncProperty(fc.oneof(badUser.map((u) => ({ userId: u as never })), badToken.map((t) => ({ tokenName: t })), badZone.map((z) => ({ sdnZones: [z] }))), async (bad) => {
        await resetMocks();
        const error = await expectRefused(() => new AccessToken("x", { ...ci, ...bad }));
        expect(error.problems.length).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });
});

describe("Pool", () => {
  it("creates a pool named after the component or its poolId, with poolId as output", async () => {
    const a = new Pool("home");
    const b = new Pool("lab", { poolId: "lab/web", comment: "web tier" });
    expect(await value(a.poolId)).toBe("home");
    expect(await value(b.poolId)).toBe("lab/web");
    await settle();
    expect(recorded.filter((r) => r.type === types.pool).map((r) => r.inputs)).toEqual([{ poolId: "home" }, { poolId: "lab/web", comment: "web tier" }]);
  });

  it("refuses bad pool ids, multi-line comments and a pool id used twice", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("", "a b", "a/b/c/d", "x:y", "web\n"), async (poolId) => {
        await resetMocks();
        await expectRefused(() => new Pool("p", { poolId }), "pool id");
      }),
    );
    await expectRefused(() => new Pool("q", { comment: "two\nlines" }), "comment");
    new Pool("home");
    await expectRefused(() => new Pool("home2", { poolId: "home" }), "already uses");
  });
});

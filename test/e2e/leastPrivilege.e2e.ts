import { afterEach, describe, expect, it } from "vitest";
import type { ObservedCall, Sandbox } from "@hearth/sandbox";
import { accessPresets } from "../../packages/proxmox/src/accessPresets.js";
import { call, waitFor } from "../../packages/sandbox/src/testClient.js";
import { deriveGrants, withoutEach } from "../../scripts/lib/accessDerivation.js";
import { findPlaintext, type EngineWorkspace } from "../../scripts/lib/engine.js";
import { homeLifecycle, homeScope, homeWorkspace, pulumi, sandboxWithAdmin } from "../../scripts/lib/homeStackRun.js";
import { assertConformant } from "../support/conformance.js";

// stacks/home run the way its CI job runs it: an administrator creates the pool and the CI token
// (AccessToken homeStackCi) with an admin token, then everything else runs with the CI token
// (up, refreshing preview, drift reverted, destroy), against a sandbox that checks every call as
// Proxmox does (the schema's permissions and the handlers' own checks).

let sb: Sandbox | undefined;
let ws: EngineWorkspace | undefined;
afterEach(async () => {
  ws?.dispose();
  ws = undefined;
  await sb?.stop();
  sb = undefined;
});

const ok = async (w: EngineWorkspace, ...args: string[]): Promise<string> => {
  const r = await pulumi(w, ...args);
  expect(r.code, `pulumi ${args.join(" ")}\n${r.stdout.slice(-6000)}\n${r.stderr.slice(-3000)}`).toBe(0);
  return r.stdout + r.stderr;
};

const CI_TOKEN_ID = "ci-home@pve!ci";

describe("least privilege: stacks/home runs with its own CI token (AccessToken homeStackCi)", () => {
  it("bootstraps the pool and token as admin, then runs the whole stack with the token; calls outside it get 403; the preset matches a fresh derivation", async () => {
    const calls: ObservedCall[] = [];
    const started = await sandboxWithAdmin(calls);
    sb = started.sb;
    const s = sb;
    ws = await homeWorkspace(s, started.adminToken, s.proxmox.apiToken);
    const w = ws;

    // Bootstrap: only the pool and the token (and their provider), as the administrator.
    const preview = await w.previewJson();
    const targets = preview.steps.map((st) => st.urn).filter((urn) => /hearth:proxmox:(AccessToken|Pool)|::pve-admin$/.test(urn));
    expect(targets.length).toBeGreaterThan(5);
    await ok(w, "up", "--yes", "--skip-preview", ...targets.flatMap((t) => ["--target", t]));
    expect(new Set(calls.map((c) => c.caller))).toEqual(new Set(["root@pam!admin"]));
    const access = s.inspect().proxmox.access!;
    expect(access.users["ci-home@pve"]!.tokens.ci).toMatchObject({ privsep: 1 });
    expect(Object.keys(access.roles).sort()).toEqual(accessPresets.homeStackCi.map((g) => `hearth-ci-home-${g.scope}`).sort());
    expect(s.inspect().proxmox.pools.home).toMatchObject({ poolid: "home" });

    // CI's token: read once from the stack output (a secret), then the stack runs with it alone.
    const out = await pulumi(w, "stack", "output", "ciApiTokens", "--show-secrets", "--json");
    expect(out.code, out.stderr).toBe(0);
    const ciToken = (JSON.parse(out.stdout) as Record<string, string>)["ci-home"]!;
    expect(ciToken).toMatch(/^ci-home@pve!ci=[0-9a-f-]{36}$/);
    const ciSecret = ciToken.split("=")[1]!;
    await w.run(["config", "set", "--secret", "proxmox:apiToken", "--stack", w.stack], { input: ciToken });
    calls.length = 0;

    const api = (path: string): string => `${s.proxmox.endpoint}api2/json${path}`;
    const asCi = { Authorization: `PVEAPIToken=${ciToken}` };
    const asAdmin = { Authorization: `PVEAPIToken=${started.adminToken}` };
    let probes: ObservedCall[] = [];
    await homeLifecycle(s, w, {
      beforeDestroy: async () => {
        const pve = s.inspect().proxmox;
        for (const id of ["2001", "2002", "2003"]) expect(pve.vms[id]).toMatchObject({ status: "running", config: { pool: "home" } });
        expect(pve.vms["9000"]!.config.pool).toBe("home");
        expect(pve.containers?.[2101]).toMatchObject({ status: "running", pool: "home" });

        const before = calls.length;
        // In scope: the stack's own VM.
        expect((await call(api("/nodes/pve1/qemu/2001/config"), { headers: asCi })).status).toBe(200);
        // Out of scope: another pool's VM, creating users, widening its own ACLs.
        expect((await call(api("/pools"), { method: "POST", headers: asAdmin, form: { poolid: "other" } })).status).toBe(200);
        const other = await call(api("/nodes/pve1/qemu"), { method: "POST", headers: asAdmin, form: { vmid: 3001, name: "other", pool: "other" } });
        expect(other.status).toBe(200);
        const refused = [
          await call(api("/nodes/pve1/qemu/3001/config"), { headers: asCi }),
          await call(api("/access/users"), { method: "POST", headers: asCi, form: { userid: "intruder@pve" } }),
          await call(api("/access/acl"), { method: "PUT", headers: asCi, form: { path: "/", roles: "Administrator", tokens: CI_TOKEN_ID } }),
          await call(api("/nodes/pve1/qemu"), { method: "POST", headers: asCi, form: { vmid: 3002, name: "outside", pool: "other" } }),
        ];
        expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403]);
        expect(refused[0]!.body).toMatchObject({ message: "Permission check failed (/vms/3001, VM.Audit)\n" });

        // A representative of "not one privilege less": without VM.Config.Memory on the pool,
        // reverting a memory drift is refused; with it back, the same run succeeds.
        const poolRole = accessPresets.homeStackCi.find((g) => g.scope === "pool")!;
        const without = poolRole.privileges.filter((p) => p !== "VM.Config.Memory");
        expect((await call(api("/access/roles/hearth-ci-home-pool"), { method: "PUT", headers: asAdmin, form: { privs: without.join(",") } })).status).toBe(200);
        probes = calls.splice(before);
        s.mutate({ api: "proxmox", kind: "vm", id: 2003, config: { memory: "4096" } });
        // Only web-3 (and its refresh): the admin's role resource would otherwise be refreshed and set back in the same run.
        const web3 = preview.steps.map((st) => st.urn).find((urn) => urn.endsWith("proxmoxve:index/vmLegacy:VmLegacy::web-3"))!;
        const denied = await pulumi(w, "up", "--refresh", "--yes", "--skip-preview", "--target", web3);
        expect(denied.code).not.toBe(0);
        expect(denied.stdout + denied.stderr).toMatch(/Permission check failed \(\/vms\/2003, VM\.Config\.Memory\)/);
        const mark = calls.length;
        expect((await call(api("/access/roles/hearth-ci-home-pool"), { method: "PUT", headers: asAdmin, form: { privs: poolRole.privileges.join(",") } })).status).toBe(200);
        expect((await call(api("/nodes/pve1/qemu/3001"), { method: "DELETE", headers: asAdmin })).status).toBe(200);
        await waitFor(async () => (s.inspect().proxmox.vms["3001"] === undefined ? true : undefined), 30_000);
        expect((await call(api("/pools/other"), { method: "DELETE", headers: asAdmin })).status).toBe(200);
        probes.push(...calls.splice(mark));
        await ok(w, "up", "--refresh", "--yes", "--skip-preview");
        expect(s.inspect().proxmox.vms["2003"]!.config.memory).toBe("2048");
      },
    });

    // Every call of the stack after the bootstrap was the CI token's, none root's.
    const stackCalls = calls.filter((c) => c.caller === CI_TOKEN_ID);
    expect(calls.filter((c) => c.caller !== CI_TOKEN_ID && c.caller !== "root@pam!admin")).toEqual([]);
    expect(stackCalls.length).toBeGreaterThan(100);
    expect(probes.length).toBeGreaterThan(0);

    // The committed preset is what this run derives (npm run derive:access rewrites it), and no
    // privilege in it is spare: dropping any one of them refuses at least one call of the run.
    const scope = homeScope(s);
    const d = deriveGrants(stackCalls, scope);
    expect(d.problems).toEqual([]);
    expect(d.grants.map(({ scope: sc, privileges, propagate }) => ({ scope: sc, privileges, propagate }))).toEqual(
      accessPresets.homeStackCi.map(({ scope: sc, privileges, propagate }) => ({ scope: sc, privileges: [...privileges], propagate })),
    );
    const refusedWithout = withoutEach(stackCalls, scope, d.grants);
    expect(Object.entries(refusedWithout).filter(([, routes]) => routes.length === 0)).toEqual([]);

    // Destroy left nothing: the admin removed the token, roles, ACLs and the pool after the guests.
    const end = s.inspect();
    expect(end.leftovers).toEqual([]);
    expect(end.unknownCalls).toEqual([]);
    expect(Object.keys(end.proxmox.access!.users)).toEqual(["root@pam"]);
    // The token's secret was never written in plain text: not in the state, not in the engine's output.
    expect(findPlaintext(ciSecret, { output: w.transcript.filter((t) => !t.includes("ci-home@pve!ci=")).join("\n"), backend: w.stateText() })).toEqual([]);
    await s.stop();
    await assertConformant(s);
    sb = undefined;
  });
});

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { permissionTable } from "./permissionTable.js";
import { evaluateCheck, parseTokenHeader, privilegesAt } from "./permissions.js";

describe("ACL privileges of a privsep token (pve-access-control AccessControl.pm roles)", () => {
  const acl = [
    { path: "/", privs: ["Sys.Audit"] },
    { path: "/vms", privs: ["VM.Audit"] },
    { path: "/vms/100", privs: ["VM.Audit", "VM.PowerMgmt"] },
    { path: "/storage/local", privs: ["Datastore.Audit"], propagate: false },
  ];
  it.each([
    ["/", ["Sys.Audit"]],
    ["/nodes/pve1", ["Sys.Audit"]],
    ["/vms/101", ["VM.Audit"]],
    ["/vms/100", ["VM.Audit", "VM.PowerMgmt"]],
    ["/storage/local", ["Datastore.Audit"]],
    ["/storage/local/x", ["Sys.Audit"]],
  ])("on %s: %j (the most specific entry wins)", (path, privs) => {
    expect([...privilegesAt(acl, path)].sort()).toEqual([...privs].sort());
  });
});

describe("schema permission checks (pve-access-control RPCEnvironment.pm exec_api2_perm_check)", () => {
  const clone = ["and", ["perm", "/vms/{vmid}", ["VM.Clone"]], ["or", ["perm", "/vms/{newid}", ["VM.Allocate"]], ["perm", "/pool/{pool}", ["VM.Allocate"], "require_param", "pool"]]];
  const acl = [{ path: "/vms/9000", privs: ["VM.Clone"] }, { path: "/pool/web", privs: ["VM.Allocate"] }];
  it("passes when the paths grant the privileges, with {param} paths and require_param", () => {
    expect(evaluateCheck(clone, acl, { vmid: "9000", newid: "100", pool: "web" })).toBe(true);
  });
  it("refuses with Proxmox's 403 texts", () => {
    expect(() => evaluateCheck(clone, acl, { vmid: "9000", newid: "100" })).toThrow("Permission check failed");
    expect(() => evaluateCheck(clone, acl, { vmid: "9001", newid: "100", pool: "web" })).toThrow("Permission check failed (/vms/9001, VM.Clone)");
    expect(() => evaluateCheck(["perm", "/vms/{vmid}", ["VM.Config.Disk", "VM.Config.CPU"], "any", 1], acl, { vmid: "9000" })).toThrow("Permission check failed (/vms/9000, VM.Config.Disk|VM.Config.CPU)");
  });
  it("parses the token header", () => {
    expect(parseTokenHeader("PVEAPIToken=ci@pve!deploy=0f1e2d3c")).toEqual({ id: "ci@pve!deploy", secret: "0f1e2d3c" });
    expect(parseTokenHeader("Bearer x")).toBeUndefined();
  });
});

describe("permissions.data.ts", () => {
  it("is the PVE 9.1 schema's permissions of every emulated endpoint (regenerate: npx tsx packages/sandbox/scripts/pve-permissions.ts)", () => {
    const committed = readFileSync(fileURLToPath(new URL("./permissions.data.ts", import.meta.url)), "utf8");
    expect(committed).toBe(permissionTable().source);
  });
});

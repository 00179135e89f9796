import { describe, expect, it } from "vitest";
import { baselineFromStackExport, deletedResources, hashValue, inferChange } from "./baseline.js";
import { UNKNOWN } from "./types.js";

const secret = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:abc" };
const vmUrn = "urn:pulumi:home::p::proxmoxve:index/vmLegacy:VmLegacy::web";
const exported = {
  version: 3,
  deployment: {
    resources: [
      { urn: "urn:pulumi:home::p::pulumi:pulumi:Stack::p-home", type: "pulumi:pulumi:Stack", custom: false },
      { urn: vmUrn, type: "proxmoxve:index/vmLegacy:VmLegacy", custom: true, inputs: { nodeName: "pve1", tags: ["a"], memory: { dedicated: 2048 }, __defaults: [] } },
      { urn: "urn:pulumi:home::p::pulumi:providers:proxmoxve::pve", type: "pulumi:providers:proxmoxve", custom: true, inputs: { apiToken: secret, endpoint: "https://pve:8006" } },
      { urn: "urn:pulumi:home::p::pulumi:providers:proxmoxve::leaky", type: "pulumi:providers:proxmoxve", custom: true, inputs: { password: "hunter2", username: "root@pam" } },
      { urn: "urn:pulumi:home::p::hearth:catalog:GatewayCatalog::cat", type: "hearth:catalog:GatewayCatalog", custom: false, inputs: {}, outputs: { keyId: "2026-11" } },
      { urn: "urn:pulumi:home::p::proxmoxve:index/vmLegacy:VmLegacy::old", type: "proxmoxve:index/vmLegacy:VmLegacy", custom: true, delete: true, inputs: {} },
    ],
  },
};

describe("baselineFromStackExport", () => {
  const baseline = baselineFromStackExport(exported);
  it("keeps hashes, never values, and marks secrets", () => {
    expect(baseline.resources.map((r) => r.urn)).not.toContain("urn:pulumi:home::p::pulumi:pulumi:Stack::p-home");
    expect(baseline.resources).toHaveLength(4); // stack root and pending delete left out
    const provider = baseline.resources.find((r) => r.urn.endsWith("::pve"))!;
    expect(provider.inputs.apiToken).toBe("secret");
    expect(JSON.stringify(baseline)).not.toContain("hunter2");
    expect(JSON.stringify(baseline)).not.toContain("v1:abc");
  });
  it("records credentials stored in plain text", () => {
    expect(baseline.resources.find((r) => r.urn.endsWith("::leaky"))!.plaintextCredentials).toEqual(["password"]);
    expect(baseline.resources.find((r) => r.urn.endsWith("::pve"))!.plaintextCredentials).toBeUndefined();
    // not even a hash of a plain credential is kept
    expect(baseline.resources.find((r) => r.urn.endsWith("::leaky"))!.inputs.password).toBe("secret");
  });
  it("is empty for a stack that has never been deployed", () => {
    expect(baselineFromStackExport({ version: 3, deployment: {} })).toEqual({ resources: [] });
  });
});

describe("inferChange", () => {
  const baseline = baselineFromStackExport(exported);
  const props = { nodeName: "pve1", tags: ["a"], memory: { dedicated: 2048 } };
  it("is unknown without a baseline", () => {
    expect(inferChange({ urn: vmUrn, props }, undefined).change).toBe("unknown");
  });
  it("sees an unchanged resource as same (key order and __defaults do not matter)", () => {
    expect(inferChange({ urn: vmUrn, props: { memory: { dedicated: 2048 }, tags: ["a"], nodeName: "pve1" } }, baseline).change).toBe("same");
  });
  it("sees creates, updates and replaces", () => {
    expect(inferChange({ urn: vmUrn.replace("web", "new"), props }, baseline).change).toBe("create");
    expect(inferChange({ urn: vmUrn, props: { ...props, tags: ["b"] } }, baseline)).toEqual({ change: "update", changedKeys: ["tags"] });
    expect(inferChange({ urn: vmUrn, props: { ...props, nodeName: "pve2" } }, baseline, ["nodeName"]).change).toBe("replace");
    expect(inferChange({ urn: vmUrn, props: { ...props, memory: UNKNOWN } }, baseline).changedKeys).toEqual(["memory"]);
  });
  it("cannot compare secrets, so a secret-only change is not seen", () => {
    const pve = "urn:pulumi:home::p::pulumi:providers:proxmoxve::pve";
    expect(inferChange({ urn: pve, props: { apiToken: "new", endpoint: "https://pve:8006" } }, baseline).change).toBe("same");
  });
  it("compares component outputs", () => {
    const cat = "urn:pulumi:home::p::hearth:catalog:GatewayCatalog::cat";
    expect(inferChange({ urn: cat, props: { keyId: "2026-12" } }, baseline, [], "outputs").changedKeys).toEqual(["keyId"]);
  });
  it("finds deletions", () => {
    expect(deletedResources(baseline, [{ urn: vmUrn }]).map((r) => r.urn)).toHaveLength(3);
    expect(deletedResources(undefined, [])).toEqual([]);
  });
  it("hashes stably", () => {
    expect(hashValue({ a: 1, b: [2] })).toBe(hashValue({ b: [2], a: 1 }));
    expect(hashValue("x")).not.toBe(hashValue("y"));
  });
});

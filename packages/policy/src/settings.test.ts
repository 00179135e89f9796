import { describe, expect, it } from "vitest";
import { hearthPolicies } from "./policies/index.js";
import { buildPolicyConfig, configKeysFromPulumiConfig, expandPolicyConfig, readContext } from "./settings.js";
import { isSensitiveKey } from "./sensitive.js";

describe("policy pack config", () => {
  it("copies shared fields into each policy section, with resource and stack twins", () => {
    const config = expandPolicyConfig({ environment: "production", site: "cloud", caps: { maxServers: 3 }, enforcement: { "hearth-spend-caps": "advisory" } }, hearthPolicies);
    expect(config["hearth-spend-caps"]).toEqual({ enforcementLevel: "advisory", site: "cloud", caps: { maxServers: 3 } });
    expect(config["hearth-spend-caps-stack"]).toEqual(config["hearth-spend-caps"]);
    expect(config["hearth-credential-isolation"]).toEqual({ environment: "production", site: "cloud" });
    expect(config["hearth-no-world-open-admin-ports"]).toEqual({});
  });
  it("refuses unknown policy names and enforcement levels", () => {
    expect(() => expandPolicyConfig({ enforcement: { "hearth-nope": "advisory" } }, hearthPolicies)).toThrow(/unknown policy "hearth-nope"/);
    expect(() => expandPolicyConfig({ enforcement: { "hearth-secrets": "loud" as never } }, hearthPolicies)).toThrow(/not one of/);
  });
  it("builds baseline and config keys from pulumi's own output, never keeping values", () => {
    const config = buildPolicyConfig(hearthPolicies, {
      settings: { environment: "lab", site: "home" },
      stateExport: { deployment: { resources: [{ urn: "u", type: "t", custom: true, inputs: { a: 1 } }] } },
      pulumiConfig: { "proxmoxve:apiToken": { value: "plain-token", secret: false }, "hearth:node": { value: "pve1", secret: false } },
    });
    expect(config["hearth-secrets"]!.configKeys).toEqual([{ key: "proxmoxve:apiToken", secret: false }]);
    expect(JSON.stringify(config)).not.toContain("plain-token");
    expect(readContext(config["hearth-approvals"]!).baseline?.resources).toHaveLength(1);
  });
  it("reads a context leniently: bad values are dropped, threshold defaults to high", () => {
    const c = readContext({ environment: "prod", site: "home", approvalThreshold: "extreme", caps: { maxServers: -1, serverTypes: ["cx22", 3] } });
    expect(c.environment).toBeUndefined();
    expect(c.site).toBe("home");
    expect(c.approvalThreshold).toBe("high");
    expect(c.caps).toEqual({ serverTypes: ["cx22"] });
  });
  it("recognises credential names", () => {
    for (const k of ["hcloud:token", "digitalocean:token", "proxmoxve:apiToken", "proxmoxve:password", "catalogSigningKey", "ssh_private_key"]) expect(isSensitiveKey(k)).toBe(true);
    for (const k of ["apiTokenId", "hearth:node", "sshPublicKey", "tokenName", "keyId"]) expect(isSensitiveKey(k)).toBe(false);
    expect(configKeysFromPulumiConfig({ "hcloud:token": { secret: true } })).toEqual([{ key: "hcloud:token", secret: true }]);
  });
});

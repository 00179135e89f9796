import { describe, expect, it } from "vitest";
import { baselineFromStackExport } from "../baseline.js";
import { ctx, now, res } from "../testing/fixtures.js";
import { tokens } from "../tokens.js";
import { UNKNOWN } from "../types.js";
import { approvalsPolicy } from "./approvals.js";
import { checkCredentialIsolation } from "./credentialIsolation.js";
import { checkProductionBackups } from "./productionBackups.js";
import { checkProxmoxTls } from "./proxmoxTls.js";
import { checkNoRootToken } from "./noRootToken.js";
import { riskClassesPolicy } from "./riskClasses.js";
import { checkSecrets } from "./secrets.js";
import { checkCounts, checkServerType } from "./spendCaps.js";
import { checkWorldOpenAdminPorts } from "./worldOpenAdminPorts.js";

const pveProvider = (props: Record<string, unknown> = {}) => res(tokens.proxmox.provider, "pve", props);
const hcloudProvider = res(tokens.hcloud.provider, "hetzner");

describe("hearth-credential-isolation", () => {
  it("accepts the Proxmox provider in a home stack", () => {
    expect(checkCredentialIsolation(pveProvider(), ctx({ environment: "production", site: "home" }))).toEqual([]);
  });
  it("refuses a cloud provider in a home stack, on the provider and on resources using it", () => {
    const home = ctx({ environment: "production", site: "home" });
    expect(checkCredentialIsolation(hcloudProvider, home)[0]!.message).toContain("home stack (production) may configure only proxmoxve");
    const server = res(tokens.hcloud.server, "s", {}, { type: tokens.hcloud.provider, urn: hcloudProvider.urn, name: "hetzner", props: {} });
    expect(checkCredentialIsolation(server, home)).toHaveLength(1);
  });
  it("refuses the Proxmox provider in a cloud stack", () => {
    expect(checkCredentialIsolation(pveProvider(), ctx({ environment: "staging", site: "cloud" }))).toHaveLength(1);
  });
  it("refuses a stack that declares no environment or site, once per provider", () => {
    const v = checkCredentialIsolation(pveProvider(), ctx({ site: "home" }));
    expect(v[0]!.message).toContain("environment");
    expect(checkCredentialIsolation(pveProvider(), ctx({ environment: "lab" }))[0]!.message).toContain("site");
    expect(checkCredentialIsolation(res(tokens.proxmox.vm, "vm", {}, { type: tokens.proxmox.provider, urn: "u", name: "pve", props: {} }), ctx())).toEqual([]);
  });
});

describe("hearth-proxmox-tls", () => {
  it("accepts a verifying provider in production", () => {
    expect(checkProxmoxTls(pveProvider({ insecure: "false" }), ctx({ environment: "production" }))).toEqual([]);
    expect(checkProxmoxTls(pveProvider({}), ctx({ environment: "production" }))).toEqual([]);
  });
  it("refuses insecure outside lab and sandbox (provider config arrives as a string)", () => {
    expect(checkProxmoxTls(pveProvider({ insecure: "true" }), ctx({ environment: "production" }))[0]!.message).toContain("insecure: true");
    expect(checkProxmoxTls(pveProvider({ insecure: true }), ctx({ environment: "staging" }))).toHaveLength(1);
    expect(checkProxmoxTls(pveProvider({ insecure: true }), ctx({}))).toHaveLength(1);
  });
  it("allows insecure in lab and sandbox", () => {
    expect(checkProxmoxTls(pveProvider({ insecure: "true" }), ctx({ environment: "lab" }))).toEqual([]);
    expect(checkProxmoxTls(pveProvider({ insecure: "true" }), ctx({ environment: "sandbox" }))).toEqual([]);
  });
});

describe("hearth-no-root-token-in-production", () => {
  const secret = "0b8f1c2e-5d3a-4e6f-9a7b-1c2d3e4f5a6b";
  it("refuses an API token of root@pam (with or without privilege separation) and root's password in production, naming the token but never its secret", () => {
    const token = checkNoRootToken(pveProvider({ apiToken: `root@pam!ci=${secret}` }), ctx({ environment: "production" }));
    expect(token).toHaveLength(1);
    expect(token[0]!.message).toContain("an API token of root@pam (root@pam!ci)");
    expect(token[0]!.message).toContain("AccessToken");
    expect(token[0]!.message).not.toContain(secret);
    expect(checkNoRootToken(pveProvider({ username: "root@pam", password: "hunter2-secret" }), ctx({ environment: "production" }))[0]!.message).toContain("root@pam's password");
    expect(JSON.stringify(checkNoRootToken(pveProvider({ username: "root@pam", password: "hunter2-secret" }), ctx({ environment: "production" })))).not.toContain("hunter2");
  });
  it("accepts another user's token in production, and root outside production", () => {
    expect(checkNoRootToken(pveProvider({ apiToken: `ci-home@pve!ci=${secret}` }), ctx({ environment: "production" }))).toEqual([]);
    expect(checkNoRootToken(pveProvider({ apiToken: `root@pam!ci=${secret}` }), ctx({ environment: "lab" }))).toEqual([]);
    expect(checkNoRootToken(pveProvider({ apiToken: `root@pam!ci=${secret}` }), ctx({}))).toEqual([]);
    // A look-alike realm is another user (root@pve is not root@pam).
    expect(checkNoRootToken(pveProvider({ apiToken: `root@pve!ci=${secret}` }), ctx({ environment: "production" }))).toEqual([]);
    // Credentials from PROXMOX_VE_* variables are not in the provider's config: nothing to judge.
    expect(checkNoRootToken(pveProvider({}), ctx({ environment: "production" }))).toEqual([]);
    expect(checkNoRootToken(res(tokens.proxmox.vm, "vm", { apiToken: `root@pam!x=${secret}` }), ctx({ environment: "production" }))).toEqual([]);
  });
});

describe("hearth-no-world-open-admin-ports", () => {
  const group = (rules: object[]) => res(tokens.proxmox.securityGroup, "web", { name: "web", rules });
  it.each([
    ["Proxmox SSH from the world", group([{ type: "in", action: "ACCEPT", proto: "tcp", dport: "22" }]), [22]],
    ["Proxmox UI via a range", group([{ type: "in", action: "ACCEPT", proto: "tcp", dport: "8000:8100", source: "0.0.0.0/0" }]), [8006]],
    ["Proxmox SSH macro", group([{ type: "in", action: "ACCEPT", macro: "SSH", source: "::/0" }]), [22]],
    ["hcloud RDP", res(tokens.hcloud.firewall, "fw", { rules: [{ direction: "in", protocol: "tcp", port: "3389", sourceIps: ["0.0.0.0/0", "::/0"] }] }), [3389]],
    ["DigitalOcean all ports", res(tokens.digitalocean.firewall, "fw", { inboundRules: [{ protocol: "tcp", portRange: "all", sourceAddresses: ["0.0.0.0/0"] }] }), [22, 8006, 3389]],
  ])("refuses %s", (_, resource, ports) => {
    const v = checkWorldOpenAdminPorts(resource);
    expect(v).toHaveLength(1);
    for (const p of ports as number[]) expect(v[0]!.message).toContain(String(p));
  });
  it.each([
    ["SSH from an admin network", group([{ type: "in", action: "ACCEPT", proto: "tcp", dport: "22", source: "192.168.1.0/24" }])],
    ["HTTPS from the world", group([{ type: "in", action: "ACCEPT", proto: "tcp", dport: "443" }])],
    ["a disabled rule", group([{ type: "in", action: "ACCEPT", proto: "tcp", dport: "22", enabled: false }])],
    ["a drop rule", group([{ type: "in", action: "DROP", proto: "tcp", dport: "22" }])],
    ["SSH from an ipset", group([{ type: "in", action: "ACCEPT", proto: "tcp", dport: "22", source: "+admins" }])],
    ["hcloud SSH from one address", res(tokens.hcloud.firewall, "fw", { rules: [{ direction: "in", protocol: "tcp", port: "22", sourceIps: ["203.0.113.7/32"] }] })],
    ["hcloud outbound", res(tokens.hcloud.firewall, "fw", { rules: [{ direction: "out", protocol: "tcp", port: "22", destinationIps: ["0.0.0.0/0"] }] })],
    ["DO ICMP from the world", res(tokens.digitalocean.firewall, "fw", { inboundRules: [{ protocol: "icmp", sourceAddresses: ["0.0.0.0/0"] }] })],
    ["rules not known yet", res(tokens.hcloud.firewall, "fw", { rules: UNKNOWN })],
  ])("accepts %s", (_, resource) => {
    expect(checkWorldOpenAdminPorts(resource)).toEqual([]);
  });
});

describe("hearth-production-backups", () => {
  const prod = ctx({ environment: "production" });
  const vm = (name: string, props: Record<string, unknown>) => res(tokens.proxmox.vm, name, props);
  const job = (props: Record<string, unknown>) => res(tokens.proxmox.backupJob, "nightly", props);
  it("accepts VMs covered by vmids, pool or all", () => {
    const resources = [vm("a", { vmId: 101 }), vm("b", { vmId: 102, poolId: "prod" }), job({ vmids: ["101"] }), job({ pool: "prod" })];
    expect(checkProductionBackups(resources, prod)).toEqual([]);
    expect(checkProductionBackups([vm("c", { vmId: UNKNOWN }), job({ all: true })], prod)).toEqual([]);
  });
  it("refuses uncovered, excluded or disabled-job VMs, and unprovable coverage", () => {
    expect(checkProductionBackups([vm("a", { vmId: 101 })], prod)).toHaveLength(1);
    expect(checkProductionBackups([vm("a", { vmId: 101 }), job({ vmids: ["101"], enabled: false })], prod)).toHaveLength(1);
    expect(checkProductionBackups([vm("a", { vmId: 101 }), job({ all: true, excludes: ["101"] })], prod)).toHaveLength(1);
    expect(checkProductionBackups([vm("a", { vmId: UNKNOWN }), job({ vmids: ["101"] })], prod)[0]!.message).toContain("cannot be proven");
  });
  it("skips templates and non-production stacks", () => {
    expect(checkProductionBackups([vm("t", { vmId: 9000, template: true })], prod)).toEqual([]);
    expect(checkProductionBackups([vm("a", { vmId: 101 })], ctx({ environment: "staging" }))).toEqual([]);
  });
  it("requires backups on production cloud servers", () => {
    expect(checkProductionBackups([res(tokens.hcloud.server, "s", { backups: true }), res(tokens.digitalocean.droplet, "d", { backups: true })], prod)).toEqual([]);
    const v = checkProductionBackups([res(tokens.hcloud.server, "s", {}), res(tokens.digitalocean.droplet, "d", { backups: false })], prod);
    expect(v.map((x) => x.message.split(" ")[0])).toEqual(["Hetzner", "DigitalOcean"]);
  });
});

describe("hearth-spend-caps", () => {
  const cloud = ctx({ site: "cloud", caps: { serverTypes: ["cx22", "s-1vcpu-1gb"], maxServers: 2, maxPublicIps: 1 } });
  it("accepts allowed sizes and counts within the caps", () => {
    const servers = [res(tokens.hcloud.server, "a", { serverType: "cx22" }), res(tokens.digitalocean.droplet, "b", { size: "s-1vcpu-1gb" })];
    expect(servers.flatMap((s) => checkServerType(s, cloud))).toEqual([]);
    expect(checkCounts([...servers, res(tokens.hcloud.primaryIp, "ip")], cloud)).toEqual([]);
  });
  it("refuses a size outside the allowlist", () => {
    expect(checkServerType(res(tokens.hcloud.server, "big", { serverType: "ccx63" }), cloud)[0]!.message).toContain('"ccx63"');
  });
  it("refuses too many servers or public IPs", () => {
    const servers = ["a", "b", "c"].map((n) => res(tokens.hcloud.server, n, { serverType: "cx22" }));
    const ips = [res(tokens.hcloud.primaryIp, "ip1"), res(tokens.digitalocean.reservedIp, "ip2")];
    const v = checkCounts([...servers, ...ips], cloud);
    expect(v.map((x) => x.message)).toEqual([expect.stringContaining("3 servers"), expect.stringContaining("2 public IPs")]);
  });
  it("refuses a cloud stack without caps and ignores home stacks", () => {
    expect(checkCounts([], ctx({ site: "cloud" }))[0]!.message).toContain("no spend caps");
    expect(checkCounts([], ctx({ site: "home" }))).toEqual([]);
  });
});

describe("hearth-secrets", () => {
  it("accepts secret config keys and a clean state", () => {
    const state = baselineFromStackExport({ deployment: { resources: [] } });
    expect(checkSecrets([], ctx({ configKeys: [{ key: "hcloud:token", secret: true }], baseline: state }))).toEqual([]);
  });
  it("refuses a plain credential in config", () => {
    const v = checkSecrets([], ctx({ configKeys: [{ key: "proxmoxve:apiToken", secret: false }] }));
    expect(v[0]!.message).toContain("pulumi config set --secret proxmoxve:apiToken");
  });
  it("refuses a credential stored in plain text in state, without repeating its value", () => {
    const state = baselineFromStackExport({
      deployment: { resources: [{ urn: "urn:x::p", type: "pulumi:providers:proxmoxve", custom: true, inputs: { password: "hunter2" } }] },
    });
    const v = checkSecrets([], ctx({ baseline: state, configKeys: [] }));
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toContain("password");
    expect(v[0]!.message).not.toContain("hunter2");
  });
  it("says so when it has nothing to check", () => {
    expect(checkSecrets([], ctx())[0]!.message).toContain("cannot check");
  });
});

describe("hearth-risk-classes and hearth-approvals", () => {
  const vmUrn = "urn:pulumi:home::hearth::proxmoxve:index/vmLegacy:VmLegacy::db";
  const state = baselineFromStackExport({
    deployment: {
      resources: [
        { urn: vmUrn, type: tokens.proxmox.vm, custom: true, inputs: { nodeName: "pve1", tags: ["db"] } },
        { urn: "urn:pulumi:home::hearth::proxmoxve:backup/job:Job::nightly", type: tokens.proxmox.backupJob, custom: true, inputs: { vmids: ["101"] } },
      ],
    },
  });
  const vm = (props: Record<string, unknown>) => ({ type: tokens.proxmox.vm, name: "db", urn: vmUrn, props });
  const approval = { by: "alice", at: "2026-11-22T00:00:00Z", reference: "PR-7", resources: ["*::db"], expires: "2026-11-23T00:00:00Z" };

  it("reports nothing for an unchanged resource and low for a tag change", () => {
    expect(riskClassesPolicy.validateResource!(vm({ nodeName: "pve1", tags: ["db"] }), ctx({ baseline: state }))).toEqual([]);
    expect(riskClassesPolicy.validateResource!(vm({ nodeName: "pve1", tags: ["db", "x"] }), ctx({ baseline: state }))).toEqual([]);
  });
  it("reports a VM replace as critical", () => {
    const v = riskClassesPolicy.validateResource!(vm({ nodeName: "pve2", tags: ["db"] }), ctx({ baseline: state }));
    expect(v[0]!.message).toMatch(/^CRITICAL risk: replace of proxmoxve:index\/vmLegacy:VmLegacy/);
  });
  it("reports deletions in the stack check and warns without a baseline", () => {
    const v = riskClassesPolicy.validateStack!([vm({})], ctx({ baseline: state }));
    expect(v).toEqual([{ urn: "urn:pulumi:home::hearth::proxmoxve:backup/job:Job::nightly", message: expect.stringContaining("HIGH risk: delete") }]);
    expect(riskClassesPolicy.validateStack!([], ctx())[0]!.message).toContain("No baseline");
  });
  it("blocks a high-risk change without approval and passes it with one", () => {
    const replace = vm({ nodeName: "pve2", tags: ["db"] });
    const blocked = approvalsPolicy.validateResource!(replace, ctx({ baseline: state }));
    expect(blocked[0]!.message).toContain("needs an approval");
    expect(approvalsPolicy.validateResource!(replace, ctx({ baseline: state, approvals: [approval] }))).toEqual([]);
  });
  it("does not count expired, malformed or non-matching approvals, and says why", () => {
    const replace = vm({ nodeName: "pve2", tags: ["db"] });
    const expired = { ...approval, expires: now.toISOString() };
    const v = approvalsPolicy.validateResource!(replace, ctx({ baseline: state, approvals: [expired, { ...approval, resources: ["*::web"] }, { by: "bob" }] }));
    expect(v).toHaveLength(1);
    expect(v[0]!.message).toContain("PR-7 by alice: expired");
    expect(v[0]!.message).toContain("malformed approvals: approvals[2]");
  });
  it("blocks a delete found by the stack check unless approved", () => {
    expect(approvalsPolicy.validateStack!([vm({})], ctx({ baseline: state }))).toHaveLength(1);
    const ok = { ...approval, resources: ["*::nightly"], changes: ["delete"] };
    expect(approvalsPolicy.validateStack!([vm({})], ctx({ baseline: state, approvals: [ok] }))).toEqual([]);
  });
  it("lets medium changes through, and honours a lower threshold", () => {
    const update = vm({ nodeName: "pve1", tags: ["db"], memory: { dedicated: 4096 } });
    expect(approvalsPolicy.validateResource!(update, ctx({ baseline: state }))).toEqual([]);
    expect(approvalsPolicy.validateResource!(update, ctx({ baseline: state, approvalThreshold: "medium" }))).toHaveLength(1);
  });
  it("without a baseline still blocks state-based high risk: a firewall opened to the world", () => {
    const fw = res(tokens.hcloud.firewall, "fw", { rules: [{ direction: "in", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0"] }] });
    expect(approvalsPolicy.validateResource!(fw, ctx())[0]!.message).toContain("HIGH risk: unknown of hcloud:index/firewall:Firewall");
  });
});

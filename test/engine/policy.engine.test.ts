import { execFile } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot, SandboxProject, type PulumiResult } from "../e2e/harness.js";

// The Hearth policy pack in the real engine, as a CI job runs it (docs/policy.md, "Run it in CI"):
// `pulumi stack export` and `pulumi config --json` -> hearth-policy-config -> `pulumi preview
// --policy-pack <dist>/policy-pack.cjs --policy-pack-config ...` with the CLI built by
// scripts/toolchain.sh, against the sandbox. The launcher is what makes the pack start at all
// with our 3.68 Node.js language host (docs/engine.md, traps).

const pack = join(repoRoot, "packages/policy/dist/policy-pack.cjs");
const configCli = join(repoRoot, "packages/policy/dist/cli.cjs");
const run = promisify(execFile);

/**
 * What `pulumi preview` exits with when a mandatory policy refused something: 1, not the
 * `ExitPolicyViolation = 5` that pulumi/pulumi pkg/cmd/pulumi/cmd/exit_codes.go also defines, because
 * the failed preview is a "bail" and `ExitCodeFor` maps every bail to `ExitCodeError = 1` (measured
 * here with CLI 3.259; docs/policy.md).
 */
const POLICY_FAILURE_EXIT = 1;

const ADMIN = "198.51.100.0/24";

interface CloudShape {
  serverType?: string;
  image?: string;
  backups?: boolean;
  sshFrom?: string[];
  servers?: number;
}

/** A small cloud program: a firewall and servers on hcloud, the default provider configured from the sandbox's environment. */
const cloudProgram = (s: CloudShape = {}): string => `
const hcloud = require("@pulumi/hcloud");
const fw = new hcloud.Firewall("web-fw", { rules: [
  { direction: "in", protocol: "tcp", port: "443", sourceIps: ["203.0.113.0/24"] },
  { direction: "in", protocol: "tcp", port: "22", sourceIps: ${JSON.stringify(s.sshFrom ?? [ADMIN])} },
] });
const servers = [];
for (let i = 1; i <= ${s.servers ?? 1}; i++) {
  servers.push(new hcloud.Server("web-" + i, {
    serverType: ${JSON.stringify(s.serverType ?? "cx23")},
    image: ${JSON.stringify(s.image ?? "debian-12")},
    location: "fsn1",
    firewallIds: [fw.id.apply(Number)],
    backups: ${s.backups ?? true},
  }));
}
exports.images = servers.map((s) => s.image);
`;

/** A small home program: an explicit Proxmox provider (TLS as given) and a firewall group. */
const homeProgram = (insecure: boolean, sshFrom?: string): string => `
const proxmox = require("@muhlba91/pulumi-proxmoxve");
const provider = new proxmox.Provider("pve", { endpoint: process.env.PROXMOX_VE_ENDPOINT, apiToken: process.env.PROXMOX_VE_API_TOKEN, insecure: ${insecure} });
new proxmox.cluster.firewall.security.GroupLegacy("web", { name: "web", rules: [
  { type: "in", action: "ACCEPT", proto: "tcp", dport: "443", source: "192.168.1.0/24" },
  { type: "in", action: "ACCEPT", proto: "tcp", dport: "22"${sshFrom === undefined ? "" : `, source: ${JSON.stringify(sshFrom)}`} },
] }, { provider });
`;

const cloudSettings = { environment: "production", site: "cloud", caps: { serverTypes: ["cx23"], maxServers: 2, maxPublicIps: 2 } };

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: PulumiResult): void => expect(r.code, r.output).toBe(0);

/** The CI steps before the plan: export the state and config, generate the policy config. Returns its path. */
async function policyConfig(p: SandboxProject, settings: Record<string, unknown>): Promise<string> {
  const settingsFile = join(p.dir, "policy-settings.json");
  const stateFile = join(p.dir, "state.json");
  const configFile = join(p.dir, "config.json");
  const out = join(p.dir, "policy-config.json");
  writeFileSync(settingsFile, JSON.stringify(settings));
  ok(await p.pulumi(["stack", "export", "--stack", p.stack, "--file", stateFile]));
  const config = await p.pulumi(["config", "--json"]);
  ok(config);
  writeFileSync(configFile, config.output.slice(config.output.indexOf("{"), config.output.lastIndexOf("}") + 1));
  await run(process.execPath, [configCli, "--settings", settingsFile, "--state", stateFile, "--config", configFile, "--out", out]);
  return out;
}

const withPack = (config: string): string[] => ["--policy-pack", pack, "--policy-pack-config", config];

/** The `[mandatory]` policy names in a preview's output. */
const mandatory = (output: string): string[] => [...new Set([...output.matchAll(/\[mandatory\](?: \[severity: \w+\])?\s+(\S+)/g)].map((m) => m[1]!))].sort();

describe("the policy pack in the real engine: pulumi preview --policy-pack <dist>/policy-pack.cjs", () => {
  it("a compliant cloud stack passes preview and up; the pack announces itself and reports risk as advisory", async () => {
    project = await SandboxProject.create("policy-pass", cloudProgram(), { hcloud: { actionMs: 20 } });
    const p = project;
    const config = await policyConfig(p, cloudSettings);
    const preview = await p.pulumi(["preview", ...withPack(config)]);
    ok(preview);
    expect(preview.output).toMatch(/hearth@v0\.1\.0 \(local: .*policy-pack\.cjs\)/);
    expect(mandatory(preview.output)).toEqual([]);
    expect(preview.output).toMatch(/\[advisory\] \[severity: medium\]\s+hearth-risk-classes .*\n.*\n\s+MEDIUM risk: create of hcloud:index\/firewall:Firewall/);
    ok(await p.pulumi(["up", "--yes", ...withPack(config)]));
    expect(Object.values(p.sandbox.inspect().hcloud.servers)).toHaveLength(1);
  });

  it("measured: preview with the pack against preview without it (median of 3, alternating)", async () => {
    project = await SandboxProject.create("policy-overhead", cloudProgram({ servers: 2 }), { hcloud: { actionMs: 20 } });
    const p = project;
    const config = await policyConfig(p, cloudSettings);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const without: number[] = [];
    const withIt: number[] = [];
    for (let i = 0; i < 3; i++) {
      let t0 = performance.now();
      ok(await p.pulumi(["preview"]));
      without.push(performance.now() - t0);
      t0 = performance.now();
      const r = await p.pulumi(["preview", ...withPack(config)]);
      withIt.push(performance.now() - t0);
      ok(r);
      expect(r.output).toContain("hearth@v0.1.0");
    }
    console.log(`[hearth] policy preview overhead (firewall + 2 servers): without ${Math.round(median(without))} ms, with the pack ${Math.round(median(withIt))} ms (median of 3)`);
  });

  // One stack per mandatory policy, each breaking exactly that rule; the CI job sees a non-zero exit
  // and the policy's name, the resource and what to do.
  const violations: {
    policy: string;
    site: "home" | "cloud";
    program: string;
    settings: Record<string, unknown>;
    plainConfig?: Record<string, string>;
    message: RegExp;
    /** Other mandatory policies the same change rightly trips. */
    also?: string[];
  }[] = [
    {
      policy: "hearth-credential-isolation",
      site: "home",
      program: cloudProgram(),
      settings: { environment: "lab", site: "home" },
      message: /hcloud/,
    },
    {
      policy: "hearth-proxmox-tls",
      site: "home",
      program: homeProgram(true, "+admins"),
      settings: { environment: "production", site: "home" },
      message: /insecure/,
      // The sandbox's token is root's, which production also refuses.
      also: ["hearth-no-root-token-in-production"],
    },
    {
      policy: "hearth-no-root-token-in-production",
      site: "home",
      program: homeProgram(false, "+admins"),
      settings: { environment: "production", site: "home" },
      // The token is named, its secret never (the sandbox's token is root@pam!<name>=<uuid>).
      message: /an API token of root@pam \(root@pam![^=\s)]+\) in a production stack/,
    },
    {
      policy: "hearth-no-world-open-admin-ports",
      site: "cloud",
      program: cloudProgram({ sshFrom: ["0.0.0.0/0"] }),
      settings: cloudSettings,
      message: /SSH \(22\)/,
      // A firewall that opens an admin port to the internet is also a critical change needing an approval.
      also: ["hearth-approvals"],
    },
    {
      policy: "hearth-production-backups",
      site: "cloud",
      program: cloudProgram({ backups: false }),
      settings: cloudSettings,
      message: /backups/,
    },
    {
      policy: "hearth-spend-caps",
      site: "cloud",
      program: cloudProgram({ serverType: "cx33" }),
      settings: cloudSettings,
      message: /cx33/,
    },
    {
      policy: "hearth-secrets",
      site: "cloud",
      program: cloudProgram(),
      settings: cloudSettings,
      plainConfig: { apiToken: "not-really-a-token-but-plain" },
      message: /apiToken holds a credential in plain text/,
    },
  ];
  for (const v of violations) {
    it(`${v.policy}: a ${v.site} stack breaking it fails the preview`, async () => {
      project = await SandboxProject.create(`policy-${v.policy.replace("hearth-", "")}`, v.program, { hcloud: { actionMs: 20 } });
      const p = project;
      for (const [key, value] of Object.entries(v.plainConfig ?? {})) ok(await p.pulumi(["config", "set", key, value]));
      const config = await policyConfig(p, v.settings);
      const preview = await p.pulumi(["preview", ...withPack(config)]);
      expect(preview.code, preview.output).toBe(POLICY_FAILURE_EXIT);
      expect(mandatory(preview.output)).toEqual([v.policy, ...(v.also ?? [])].sort());
      const block = preview.output.slice(preview.output.search(new RegExp(`\\[mandatory\\].*  ${v.policy}  `)));
      expect(block).toMatch(v.message);
      // Nothing was created: the plan stopped at the pack.
      const inspect = p.sandbox.inspect();
      expect(Object.keys(inspect.hcloud.servers)).toEqual([]);
    });
  }

  it("risk classes from a real baseline; an expired approval refuses the replace, a current one lets preview and up through", async () => {
    project = await SandboxProject.create("policy-approvals", cloudProgram(), { hcloud: { actionMs: 20 } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", ...withPack(await policyConfig(p, cloudSettings))]));
    writeFileSync(join(p.dir, "index.js"), cloudProgram({ image: "ubuntu-24.04" }));

    // The baseline is the exported state of the up above: the image change is a replace of a server, HIGH.
    const baselineConfig = await policyConfig(p, cloudSettings);
    const urn = JSON.parse(readFileSync(join(p.dir, "state.json"), "utf8")).deployment.resources.find((r: { type: string }) => r.type === "hcloud:index/server:Server").urn as string;
    const now = Date.now();
    const iso = (ms: number) => new Date(now + ms).toISOString().replace(/\.\d{3}Z$/, "Z");
    const day = 86_400_000;
    const approval = (at: number, expires: number) => ({ by: "alice", at: iso(at), reference: "PR-1", resources: [urn], expires: iso(expires), changes: ["replace"] });

    const refused = await p.pulumi(["preview", ...withPack(baselineConfig)]);
    expect(refused.code, refused.output).toBe(POLICY_FAILURE_EXIT);
    expect(mandatory(refused.output)).toEqual(["hearth-approvals"]);
    expect(refused.output).toMatch(/HIGH risk: replace of hcloud:index\/server:Server/);
    expect(refused.output).toContain("changed: image");
    expect(refused.output).toContain("no approval covers it");

    const expired = await p.pulumi(["preview", ...withPack(await policyConfig(p, { ...cloudSettings, approvals: [approval(-2 * day, -day)] }))]);
    expect(expired.code, expired.output).toBe(POLICY_FAILURE_EXIT);
    expect(mandatory(expired.output)).toEqual(["hearth-approvals"]);
    expect(expired.output).toMatch(/expired/);

    const approved = await policyConfig(p, { ...cloudSettings, approvals: [approval(-day, day)] });
    const preview = await p.pulumi(["preview", ...withPack(approved)]);
    ok(preview);
    expect(preview.output).toMatch(/\[advisory\] \[severity: medium\]\s+hearth-risk-classes /);
    expect(preview.output).toMatch(/HIGH risk: replace of hcloud:index\/server:Server/);
    ok(await p.pulumi(["up", "--yes", ...withPack(approved)]));
    const servers = Object.values(p.sandbox.inspect().hcloud.servers);
    expect(servers).toHaveLength(1);
    expect(JSON.stringify(servers[0])).toContain("ubuntu-24.04");
  });
});

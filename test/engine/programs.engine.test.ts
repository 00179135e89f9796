import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EngineWorkspace, countByType, findPlaintext, installedPlugins, repoRoot } from "../../scripts/lib/engine.js";

// `pulumi preview` of both stacks and every example with the real engine and the real
// provider plugins, against placeholder endpoints: what the providers accept (input names,
// enum values, required fields, type tokens) and what each program plans.

const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a ops@laptop";
const homeWgKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
// Distinctive values, so the secret scan cannot match anything by accident.
const secrets = {
  proxmoxToken: "root@pam!ci=5ec2e7a1-0000-4000-8000-5ec2e7a1c0de",
  hcloudToken: "hcloudS3cretToken".padEnd(64, "Q"),
  doToken: "dop_v1_".padEnd(71, "7"),
  wireguardSeed: "wireguard-seed-that-must-stay-secret-0123456789",
  wireguardPrivateKey: "YAnz3nnJ7tsGgnVdNmhC0Jv2iS5RmHDvU5aN2N7Kc1Q=",
  catalogSigningKey: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
};
const proxmox = {
  config: { "proxmoxve:endpoint": "https://pve.example.internal:8006/", "proxmoxve:insecure": "true" },
  secrets: { "proxmoxve:apiToken": secrets.proxmoxToken },
};

interface Program {
  readonly dir: string;
  readonly plugins: readonly string[];
  readonly config?: Record<string, string>;
  readonly secrets?: Record<string, string>;
  readonly configFrom?: string;
  readonly editConfig?: (config: Record<string, any>) => void;
  /** Planned creates by resource type. */
  readonly plan: Record<string, number>;
}

const stack = { "pulumi:pulumi:Stack": 1 };
const programs: Program[] = [
  {
    dir: "stacks/home",
    plugins: ["proxmoxve@8.6.0"],
    configFrom: "Pulumi.dev.yaml",
    secrets: { "proxmox:apiToken": secrets.proxmoxToken },
    plan: {
      ...stack,
      "pulumi:providers:proxmoxve": 1,
      "hearth:proxmox:CloudImageTemplate": 1,
      // the cloud image and the container template
      "proxmoxve:download/file:File": 2,
      "hearth:proxmox:Network": 1,
      "proxmoxve:sdn/zone/simple:Simple": 1,
      "proxmoxve:sdn/vnet:Vnet": 1,
      "proxmoxve:sdn/subnet:Subnet": 1,
      "proxmoxve:sdn/applier:Applier": 1,
      "hearth:proxmox:FirewallGroup": 1,
      "proxmoxve:cluster/firewall/security/groupLegacy:GroupLegacy": 1,
      "hearth:proxmox:VmFromTemplate": 3,
      "proxmoxve:index/vmLegacy:VmLegacy": 4,
      "proxmoxve:firewall/rulesLegacy:RulesLegacy": 3,
      "proxmoxve:firewall/optionsLegacy:OptionsLegacy": 3,
      "hearth:proxmox:Container": 1,
      "proxmoxve:index/containerLegacy:ContainerLegacy": 1,
      // one vzdump job per VM and per container
      "proxmoxve:backup/job:Job": 4,
      // the stack's pool, and its CI token (AccessToken homeStackCi): a user, one role per scope
      // of the preset (7), and a token and a user ACL on each of its 13 paths (/, /sdn,
      // /sdn/zones, the pool, 5 guests, 3 storages, the SDN zone)
      "hearth:proxmox:Pool": 1,
      "proxmoxve:index/poolLegacy:PoolLegacy": 1,
      "hearth:proxmox:AccessToken": 1,
      "proxmoxve:index/userLegacy:UserLegacy": 1,
      "proxmoxve:user/token:Token": 1,
      "proxmoxve:index/roleLegacy:RoleLegacy": 7,
      "proxmoxve:index/acl:Acl": 26,
      // web-1 is highly available
      "hearth:proxmox:HighAvailability": 1,
      "proxmoxve:index/haresource:Haresource": 1,
    },
  },
  {
    // The fleet of Pulumi.dev.yaml with its DigitalOcean ingress moved to Hetzner (nbg1); the
    // DigitalOcean variant is below, with the other programs that need that plugin.
    dir: "stacks/cloud",
    plugins: ["hcloud@1.41.0"],
    configFrom: "Pulumi.dev.yaml",
    editConfig: (config) => {
      const ams3 = config["hearth-cloud:cloud"].gateways.find((g: { name: string }) => g.name === "ingress-ams3");
      Object.assign(ams3, { name: "ingress-nbg1", cloud: "hcloud", region: "nbg1", size: "cx23" });
    },
    secrets: { hcloudToken: secrets.hcloudToken, wireguardSeed: secrets.wireguardSeed, catalogSigningKey: secrets.catalogSigningKey },
    plan: {
      ...stack,
      "pulumi:providers:hcloud": 1,
      "hearth:gateway:GatewayNode": 3,
      // A gateway is a VM with a role: it composes the cloud's own components.
      "hearth:hcloud:VmFromTemplate": 3,
      "hearth:hcloud:FirewallGroup": 3,
      "hearth:hcloud:PublicIp": 3,
      "hcloud:index/server:Server": 3,
      "hcloud:index/primaryIp:PrimaryIp": 3,
      "hcloud:index/firewall:Firewall": 3,
      // ingress-fsn1's volume (Pulumi.dev.yaml), attached by its VM
      "hearth:hcloud:Volume": 1,
      "hcloud:index/volume:Volume": 1,
      "hcloud:index/volumeAttachment:VolumeAttachment": 1,
      "hearth:catalog:GatewayCatalog": 1,
    },
  },
  {
    dir: "examples/proxmox-template",
    plugins: ["proxmoxve@8.6.0"],
    ...proxmox,
    plan: { ...stack, "hearth:proxmox:CloudImageTemplate": 1, "proxmoxve:download/file:File": 1, "proxmoxve:index/vmLegacy:VmLegacy": 1 },
  },
  {
    dir: "examples/proxmox-vm",
    plugins: ["proxmoxve@8.6.0"],
    config: { ...proxmox.config, sshPublicKey: sshKey },
    secrets: proxmox.secrets,
    plan: { ...stack, "hearth:proxmox:VmFromTemplate": 2, "proxmoxve:index/vmLegacy:VmLegacy": 2 },
  },
  {
    dir: "examples/proxmox-volume",
    plugins: ["proxmoxve@8.6.0"],
    config: { ...proxmox.config, sshPublicKey: sshKey },
    secrets: proxmox.secrets,
    plan: {
      ...stack,
      "hearth:proxmox:Volume": 2,
      "hearth:proxmox:VmFromTemplate": 1,
      "hearth:proxmox:Container": 1,
      "proxmoxve:index/vmLegacy:VmLegacy": 3,
      "proxmoxve:index/containerLegacy:ContainerLegacy": 1,
    },
  },
  {
    dir: "examples/proxmox-network",
    plugins: ["proxmoxve@8.6.0"],
    ...proxmox,
    plan: {
      ...stack,
      "hearth:proxmox:Network": 3,
      "proxmoxve:network/linux/bridge:Bridge": 2,
      "proxmoxve:network/linux/vlan:Vlan": 1,
      "proxmoxve:sdn/zone/simple:Simple": 1,
      "proxmoxve:sdn/vnet:Vnet": 1,
      "proxmoxve:sdn/subnet:Subnet": 1,
      "proxmoxve:sdn/applier:Applier": 1,
    },
  },
  {
    dir: "examples/proxmox-firewall",
    plugins: ["proxmoxve@8.6.0"],
    ...proxmox,
    plan: {
      ...stack,
      "hearth:proxmox:FirewallGroup": 1,
      "proxmoxve:cluster/firewall/security/groupLegacy:GroupLegacy": 1,
      "hearth:proxmox:VmFromTemplate": 1,
      "proxmoxve:index/vmLegacy:VmLegacy": 1,
      "proxmoxve:firewall/rulesLegacy:RulesLegacy": 1,
      "proxmoxve:firewall/optionsLegacy:OptionsLegacy": 1,
    },
  },
  {
    dir: "examples/proxmox-backup",
    plugins: ["proxmoxve@8.6.0"],
    ...proxmox,
    plan: { ...stack, "hearth:proxmox:VmFromTemplate": 1, "proxmoxve:index/vmLegacy:VmLegacy": 1, "hearth:proxmox:BackupJob": 1, "proxmoxve:backup/job:Job": 2 },
  },
  {
    dir: "examples/proxmox-resilience",
    plugins: ["proxmoxve@8.6.0"],
    ...proxmox,
    secrets: { ...proxmox.secrets, "proxmox-resilience:pbsPassword": "pbs-example-password", "proxmox-resilience:pbsFingerprint": Array.from({ length: 32 }, () => "ab").join(":") },
    plan: {
      ...stack,
      "hearth:proxmox:Storage": 2,
      "proxmoxve:storage/zfspool:Zfspool": 1,
      "proxmoxve:storage/pbs:Pbs": 1,
      "hearth:proxmox:VmFromTemplate": 1,
      "proxmoxve:index/vmLegacy:VmLegacy": 1,
      "proxmoxve:backup/job:Job": 1,
      "hearth:proxmox:HighAvailability": 1,
      "proxmoxve:index/haresource:Haresource": 1,
      "proxmoxve:index/harule:Harule": 1,
      "hearth:proxmox:Replication": 1,
      "proxmoxve:index/replication:Replication": 1,
    },
  },
  {
    dir: "examples/hcloud-volume",
    plugins: ["hcloud@1.41.0"],
    config: { sshPublicKey: sshKey },
    secrets: { "hcloud:token": secrets.hcloudToken },
    plan: {
      ...stack,
      "hearth:hcloud:Volume": 1,
      "hcloud:index/volume:Volume": 1,
      "hearth:hcloud:VmFromTemplate": 1,
      "hcloud:index/server:Server": 1,
      "hcloud:index/volumeAttachment:VolumeAttachment": 1,
      "hearth:hcloud:Snapshot": 1,
      "hcloud:index/snapshot:Snapshot": 1,
    },
  },
  {
    dir: "examples/hcloud-vm",
    plugins: ["hcloud@1.41.0"],
    config: { sshPublicKey: sshKey },
    secrets: { "hcloud:token": secrets.hcloudToken },
    plan: {
      ...stack,
      "hearth:hcloud:Network": 1,
      "hcloud:index/network:Network": 1,
      "hcloud:index/networkSubnet:NetworkSubnet": 1,
      "hearth:hcloud:FirewallGroup": 1,
      "hcloud:index/firewall:Firewall": 1,
      "hearth:hcloud:VmFromTemplate": 1,
      "hcloud:index/server:Server": 1,
    },
  },
  {
    dir: "examples/gateway-ingress",
    plugins: ["hcloud@1.41.0"],
    config: { homeWireguardPublicKey: homeWgKey },
    secrets: { "hcloud:token": secrets.hcloudToken, wireguardSeed: secrets.wireguardSeed },
    plan: {
      ...stack,
      "hearth:gateway:GatewayNode": 1,
      "hearth:hcloud:VmFromTemplate": 1,
      "hearth:hcloud:FirewallGroup": 1,
      "hearth:hcloud:PublicIp": 1,
      "hcloud:index/server:Server": 1,
      "hcloud:index/primaryIp:PrimaryIp": 1,
      "hcloud:index/firewall:Firewall": 1,
    },
  },
  {
    dir: "examples/catalog-basic",
    plugins: [],
    secrets: { catalogSigningKey: secrets.catalogSigningKey },
    plan: { ...stack, "hearth:catalog:GatewayCatalog": 1 },
  },
];

/** Programs that need the DigitalOcean plugin, which cannot be built here yet (docs/engine.md). */
const digitalOceanPrograms: Program[] = [
  {
    dir: "examples/digitalocean-vm",
    plugins: ["digitalocean@4.80.1"],
    config: { sshPublicKey: sshKey },
    secrets: { "digitalocean:token": secrets.doToken },
    plan: {},
  },
  {
    dir: "examples/digitalocean-volume",
    plugins: ["digitalocean@4.80.1"],
    config: { sshPublicKey: sshKey },
    secrets: { "digitalocean:token": secrets.doToken },
    plan: {},
  },
  {
    dir: "examples/gateway-egress",
    plugins: ["hcloud@1.41.0", "digitalocean@4.80.1"],
    config: { homeWireguardPublicKey: homeWgKey },
    secrets: { "hcloud:token": secrets.hcloudToken, "digitalocean:token": secrets.doToken, wireguardPrivateKey: secrets.wireguardPrivateKey },
    plan: {},
  },
  {
    dir: "stacks/cloud",
    plugins: ["hcloud@1.41.0", "digitalocean@4.80.1"],
    configFrom: "Pulumi.dev.yaml",
    secrets: {
      hcloudToken: secrets.hcloudToken,
      digitaloceanToken: secrets.doToken,
      wireguardSeed: secrets.wireguardSeed,
      catalogSigningKey: secrets.catalogSigningKey,
    },
    plan: {},
  },
];

async function workspaceFor(program: Program, stackName: string): Promise<EngineWorkspace> {
  const ws = new EngineWorkspace(join(repoRoot, program.dir), stackName, program.configFrom);
  if (program.editConfig) {
    const doc = parse(readFileSync(ws.configFile, "utf8")) as { config: Record<string, any> };
    program.editConfig(doc.config);
    ws.writeConfig(doc.config);
  }
  await ws.init(program.config ?? {}, program.secrets ?? {});
  return ws;
}

describe("engine: pulumi preview of the stacks and examples", () => {
  let plugins: Set<string>;
  const workspaces: EngineWorkspace[] = [];
  const secretValues = () => Object.values(secrets);

  beforeAll(async () => {
    plugins = await installedPlugins();
  }, 60_000);

  afterAll(() => {
    for (const ws of workspaces) ws.dispose();
  });

  it("has the plugins these programs need", () => {
    for (const program of programs) {
      for (const plugin of program.plugins) expect(plugins, `${program.dir} needs ${plugin}: run npm run toolchain`).toContain(plugin);
    }
  });

  it.each(programs.map((p) => [p.dir, p] as const))("plans %s", async (_dir, program) => {
    const ws = await workspaceFor(program, "preview");
    workspaces.push(ws);
    const preview = await ws.previewJson();
    expect(countByType(preview)).toEqual(program.plan);
    expect((preview.diagnostics ?? []).filter((d) => d.severity === "error")).toEqual([]);
  }, 300_000);

  it("keeps every secret config value out of the plans, the engine output and the backend", () => {
    expect(workspaces.length).toBeGreaterThanOrEqual(programs.length);
    const places = Object.fromEntries(
      workspaces.flatMap((ws, i) => [
        [`${programs[i]?.dir ?? i} output`, ws.transcript.join("\n")],
        [`${programs[i]?.dir ?? i} backend`, ws.stateText()],
        [`${programs[i]?.dir ?? i} stack config`, readFileSync(ws.configFile, "utf8")],
      ]),
    );
    for (const secret of secretValues()) expect(findPlaintext(secret, places), "plaintext secret found").toEqual([]);
    // The scan reads real output: each plan printed its resources.
    expect(places["stacks/home output"]).toContain("proxmoxve:index/vmLegacy:VmLegacy");
  });

  describe.each(digitalOceanPrograms.map((p) => [p.dir, p] as const))("%s (needs the DigitalOcean plugin)", (_dir, program) => {
    it("runs until the engine loads the DigitalOcean plugin, which the module proxy does not serve", async () => {
      // When the plugin becomes buildable (docs/engine.md), this fails: move the program up
      // into `programs` with its planned resources.
      expect(plugins.has("digitalocean@4.80.1")).toBe(false);
      const ws = await workspaceFor(program, "preview");
      workspaces.push(ws);
      const result = await ws.run(["preview", "--stack", "preview"], { allowFailure: true });
      expect(result.code).not.toBe(0);
      expect(result.stdout + result.stderr).toMatch(/no resource plugin 'pulumi-resource-digitalocean' found/);
      expect(result.stdout + result.stderr).not.toMatch(/TSError|HearthValidationError|Unable to compile/);
    }, 300_000);
  });
});

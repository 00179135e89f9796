import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { rule, vmSizes } from "@hearth/core";
import { environmentSchema, parseStackConfig, z } from "../lib/config";
import { AccessToken, CloudImageTemplate, Container, FirewallGroup, HighAvailability, Network, Pool, VmFromTemplate, type VmBackupPolicy } from "@hearth/proxmox";

// Stack config, checked up front so `pulumi preview` names the key to fix.
const schema = z.object({
  environment: environmentSchema,
  node: z.string().min(1),
  template: z.object({
    imageUrl: z.string().regex(/^https?:\/\//, "use an http(s) URL of a cloud image"),
    vmId: z.number().int().min(100),
    storage: z.string().min(1).default("local-lvm"),
    diskSizeGb: z.number().int().positive().default(10),
  }),
  network: z.object({
    zone: z.string().min(1),
    cidr: z.string().min(1),
    gateway: z.string().min(1),
    snat: z.boolean().default(true),
    dhcpRange: z.object({ start: z.string(), end: z.string() }).optional(),
  }),
  // SSH is only opened to these networks; never to the whole internet.
  adminCidrs: z.array(z.string()).min(1),
  sshKeys: z.array(z.string()).min(1),
  vms: z
    .array(
      z.object({
        name: z.string().min(1),
        vmId: z.number().int().min(100).optional(),
        size: z.enum(Object.keys(vmSizes) as [keyof typeof vmSizes, ...(keyof typeof vmSizes)[]]).default("small"),
        diskGb: z.number().int().positive().optional(),
        // Keep this VM running through a node failure: the HA manager recovers it on another node
        // (docs/runbooks/node-failure.md).
        ha: z.boolean().default(false),
      }),
    )
    .min(1),
  // LXC containers next to the VMs, from one container template downloaded to the node.
  containerTemplate: z
    .object({
      url: z.string().regex(/^https?:\/\//, "use an http(s) URL of a container template"),
      fileName: z.string().regex(/\.tar(\.(gz|xz|zst|bz2))?$/, "a container template file ends in .tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2"),
      storage: z.string().min(1).default("local"),
    })
    .optional(),
  containers: z
    .array(
      z.object({
        name: z.string().min(1),
        vmId: z.number().int().min(100).optional(),
        cores: z.number().int().positive().default(1),
        memoryMb: z.number().int().min(16).default(512),
        diskGb: z.number().int().positive().default(8),
        nesting: z.boolean().default(false),
      }),
    )
    .default([]),
  // The resource pool the stack's guests live in, and the CI token scoped to it (AccessToken
  // homeStackCi): CI runs this stack with that token, never with root's.
  pool: z.object({ id: z.string().min(1).default("home"), comment: z.string().default("stacks/home guests") }).default({ id: "home", comment: "stacks/home guests" }),
  // Each entry is a CI user of realm pve with one token `ci` (`<user>@pve!ci`); two entries while
  // rotating (docs/runbooks/rotate-ci-token.md).
  ci: z.object({ users: z.array(z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, "a CI user name is a lowercase letter, then lowercase letters, digits or '-'")).min(1).default(["ci-home"]) }).default({ users: ["ci-home"] }),
  // The backups of every VM, the contract's BackupPolicy value plus the storage vzdump writes to.
  backups: z.object({
    storage: z.string().min(1).optional(),
    schedule: z.string().default("*-*-* 02:00"),
    retention: z.object({
      keepLast: z.number().int().optional(),
      keepDaily: z.number().int().optional(),
      keepWeekly: z.number().int().optional(),
      keepMonthly: z.number().int().optional(),
      keepYearly: z.number().int().optional(),
    }),
  }),
});

const cfg = parseStackConfig(
  "stacks/home",
  schema.refine((c) => c.containers.length === 0 || c.containerTemplate !== undefined, { message: "containers need a containerTemplate to start from", path: ["containerTemplate"] }),
  new pulumi.Config().requireObject("home"),
);

// An explicit provider: credentials come from this stack's config only, never from the
// environment a CI runner happens to have.
const proxmoxConfig = new pulumi.Config("proxmox");
const provider = new proxmoxve.Provider("pve", {
  endpoint: proxmoxConfig.require("endpoint"),
  apiToken: proxmoxConfig.requireSecret("apiToken"),
  insecure: proxmoxConfig.getBoolean("insecure") ?? false,
});
// Access changes (the pool, the CI token itself) are an administrator's: with
// proxmox:adminApiToken set they use it; CI, which only has its own token, runs `pulumi up`
// without changing them (docs/runbooks/rotate-ci-token.md). Without it, apiToken does everything.
const adminToken = proxmoxConfig.getSecret("adminApiToken");
const admin = adminToken
  ? new proxmoxve.Provider("pve-admin", { endpoint: proxmoxConfig.require("endpoint"), apiToken: adminToken, insecure: proxmoxConfig.getBoolean("insecure") ?? false })
  : provider;
const withAdmin = { providers: [admin] };

const pool = new Pool("home", { poolId: cfg.pool.id, comment: cfg.pool.comment }, withAdmin);

// The token CI runs this stack with: exactly the privileges Hearth's components need, on this
// stack's pool, storages and SDN zone (docs/proxmox.md, "AccessToken").
const storages = [...new Set([cfg.template.storage, "local", ...(cfg.containerTemplate ? [cfg.containerTemplate.storage] : []), ...(cfg.backups.storage ? [cfg.backups.storage] : [])])].sort();
const ciTokens = cfg.ci.users.map(
  (user) =>
    new AccessToken(
      user,
      {
        purpose: "homeStackCi",
        userId: `${user}@pve`,
        tokenName: "ci",
        pool: pool.poolId,
        // Proxmox checks a new guest's tags on /vms/<id> before the guest is in the pool.
        vmIds: [cfg.template.vmId, ...cfg.vms.map((vm) => vm.vmId), ...cfg.containers.map((ct) => ct.vmId)].filter((id): id is number => id !== undefined),
        storages,
        sdnZones: [cfg.network.zone],
      },
      withAdmin,
    ),
);

// Everything else runs with apiToken (CI's token) and depends on the CI token, so a destroy
// removes the token last: CI can tear down what it built with it.
const withProvider = { providers: [provider], dependsOn: ciTokens };
// Hearth adds its own labels (hearth/component, hearth/managed-by, hearth/stack) itself.
const labels = { env: cfg.environment };

const lab = new Network(
  "lab",
  {
    sdn: {
      zone: cfg.network.zone,
      cidr: cfg.network.cidr,
      gateway: cfg.network.gateway,
      snat: cfg.network.snat,
      dhcpRange: cfg.network.dhcpRange,
    },
  },
  withProvider,
);

const template = new CloudImageTemplate(
  "debian-12",
  {
    node: cfg.node,
    imageUrl: cfg.template.imageUrl,
    vmId: cfg.template.vmId,
    storage: cfg.template.storage,
    diskSizeGb: cfg.template.diskSizeGb,
    labels,
    pool: pool.poolId,
    // On the stack's own network, so the CI token needs SDN.Use there only (not on the host's vmbr0).
    bridge: lab.networkId,
  },
  withProvider,
);

const web = new FirewallGroup(
  "web",
  {
    rules: [
      rule.allowIn({ protocol: "tcp", ports: [80, 443], comment: "web traffic" }),
      rule.allowIn({ protocol: "tcp", ports: [22], from: cfg.adminCidrs, comment: "SSH from admin networks" }),
      rule.allowIn({ protocol: "icmp", comment: "ping" }),
    ],
  },
  withProvider,
);

// Every VM is backed up by its own vzdump job (backups point from the VM to its policy). vzdump
// runs one job at a time per node; the others wait for its lock (docs/proxmox.md, "Backups").
const backups: VmBackupPolicy = { ...cfg.backups, mode: "snapshot" };

// Clones of the template run side by side (Proxmox locks a template only shared), at most
// `clonesPerStorage` (8) at once per storage so none times out on the storage's allocation lock.
const vms = cfg.vms.map(
  (vm) =>
    new VmFromTemplate(
      vm.name,
      {
        node: cfg.node,
        template: template.ref,
        vmId: vm.vmId,
        size: vm.size,
        disks: vm.diskGb === undefined ? undefined : [{ sizeGb: vm.diskGb }],
        storage: cfg.template.storage,
        networks: [{ networkId: lab.networkId }],
        firewallGroups: [web.groupId],
        cloudInit: { user: "ops", sshKeys: cfg.sshKeys },
        labels,
        backups,
        pool: pool.poolId,
      },
      withProvider,
    ),
);

// The VMs marked `ha` are highly available: started, restarted once on their node, then moved.
// Managing HA takes Sys.Console on / (the schema's permission of /cluster/ha/resources), far
// more than CI's token holds, so it is an administrator's change like the pool and the token.
const haVms = cfg.vms.flatMap((vm, i) => (vm.ha ? [new HighAvailability(`${vm.name}-ha`, { guestId: vms[i]!.vmId, state: "started" }, withAdmin)] : []));

// Containers start from a container template the node downloads (content type vztmpl); they
// join the same network and are backed up like the VMs, each by its own vzdump job.
const ctTemplate =
  cfg.containerTemplate &&
  new proxmoxve.download.File(
    "ct-template",
    { nodeName: cfg.node, datastoreId: cfg.containerTemplate.storage, contentType: "vztmpl", url: cfg.containerTemplate.url, fileName: cfg.containerTemplate.fileName },
    { provider, dependsOn: ciTokens },
  );
const containers = cfg.containers.map(
  (ct) =>
    new Container(
      ct.name,
      {
        node: cfg.node,
        template: ctTemplate!.id,
        vmId: ct.vmId,
        cores: ct.cores,
        memoryMb: ct.memoryMb,
        rootDiskGb: ct.diskGb,
        storage: cfg.template.storage,
        networks: [{ networkId: lab.networkId }],
        sshKeys: cfg.sshKeys,
        features: { nesting: ct.nesting },
        labels,
        backups,
        pool: pool.poolId,
      },
      withProvider,
    ),
);

export const templateVmId = template.vmId;
export const networkId = lab.networkId;
export const vmIds = Object.fromEntries(vms.map((vm, i) => [cfg.vms[i]!.name, vm.vmId]));
export const addresses = Object.fromEntries(vms.map((vm, i) => [cfg.vms[i]!.name, vm.ipv4Address]));
export const containerIds = Object.fromEntries(containers.map((ct, i) => [cfg.containers[i]!.name, ct.vmId]));
export const poolId = pool.poolId;
export const ciTokenIds = Object.fromEntries(ciTokens.map((t, i) => [cfg.ci.users[i]!, t.tokenId]));
// Secret: `pulumi stack output ciApiTokens --show-secrets --json` prints them for CI's secret store.
export const ciApiTokens = pulumi.secret(pulumi.all(Object.fromEntries(ciTokens.map((t, i) => [cfg.ci.users[i]!, t.apiToken]))));
export const haResources = haVms.map((ha) => ha.resourceId);

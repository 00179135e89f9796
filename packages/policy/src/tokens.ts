/** Type tokens the policies look at, checked against the pinned provider SDKs' `__pulumiType`. */
export const tokens = {
  proxmox: {
    provider: "pulumi:providers:proxmoxve",
    vm: "proxmoxve:index/vmLegacy:VmLegacy",
    backupJob: "proxmoxve:backup/job:Job",
    securityGroup: "proxmoxve:cluster/firewall/security/groupLegacy:GroupLegacy",
    firewallRules: "proxmoxve:firewall/rulesLegacy:RulesLegacy",
  },
  hcloud: {
    provider: "pulumi:providers:hcloud",
    server: "hcloud:index/server:Server",
    primaryIp: "hcloud:index/primaryIp:PrimaryIp",
    firewall: "hcloud:index/firewall:Firewall",
  },
  digitalocean: {
    provider: "pulumi:providers:digitalocean",
    droplet: "digitalocean:index/droplet:Droplet",
    reservedIp: "digitalocean:index/reservedIp:ReservedIp",
    firewall: "digitalocean:index/firewall:Firewall",
  },
  hearth: {
    proxmoxVm: "hearth:proxmox:VmFromTemplate",
    proxmoxBackupJob: "hearth:proxmox:BackupJob",
    /** The type BackupJob had before issue 13 (still an alias, so older states carry it). */
    proxmoxBackupPolicy: "hearth:proxmox:BackupPolicy",
    proxmoxFirewallGroup: "hearth:proxmox:FirewallGroup",
    proxmoxNetwork: "hearth:proxmox:Network",
    proxmoxTemplate: "hearth:proxmox:CloudImageTemplate",
    gatewayNode: "hearth:gateway:GatewayNode",
    gatewayCatalog: "hearth:catalog:GatewayCatalog",
  },
} as const;

/** The provider package a type token belongs to: `hcloud:index/server:Server` -> `hcloud`. */
export function packageOf(type: string): string {
  if (type.startsWith("pulumi:providers:")) return type.slice("pulumi:providers:".length);
  return type.split(":")[0] ?? "";
}

/** The providers each site may configure. */
export const providersBySite = {
  home: ["proxmoxve"],
  cloud: ["hcloud", "digitalocean"],
} as const;

/** Every cloud/home provider package the isolation policy knows. */
export const knownProviderPackages = ["proxmoxve", "hcloud", "digitalocean"] as const;

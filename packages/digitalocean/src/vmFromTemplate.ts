import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import { checkArgs, checkHostname, checkList, failFor, isWholeNumber, type VmCloudInit } from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { checked, cloudVmUserData, isPlain, sortSshKeys, type SshKeyRef } from "@hearth/kit";
import { BackupPolicy } from "./backupPolicy.js";
import { checkRegion, resolveDropletSize, type DoRegion, type DoSize } from "./catalog.js";
import { FirewallGroup } from "./firewallGroup.js";
import { checkTags, doTags } from "./labels.js";
import { Network } from "./network.js";

/** The VPC to join: a Hearth Network or an existing VPC's id. */
export interface VmNetwork {
  readonly network: Network | pulumi.Input<string>;
}

export interface VmFromTemplateArgs {
  /** The droplet's name and host name. @default the component's name */
  readonly hostname?: string;
  /** The droplet's region: nyc1, nyc3, sfo2, sfo3, ams3, sgp1, lon1, fra1, tor1, blr1, syd1 or atl1. */
  readonly region: pulumi.Input<DoRegion>;
  /** An image slug such as `"debian-12-x64"`, or a snapshot id. @default "debian-12-x64" */
  readonly template?: pulumi.Input<string | number>;
  /**
   * A core size (`"small"`, `{ cores: 2, memoryMb: 4096 }`, mapped to the smallest basic
   * droplet that fits) or a size slug such as `"s-2vcpu-4gb"`. The disk comes with the size.
   * @default "small" (s-1vcpu-2gb)
   */
  readonly size?: DoSize;
  /** The VPC to join; a droplet joins at most one. @default the region's default VPC */
  readonly networks?: readonly VmNetwork[];
  /** Firewalls that apply: Hearth FirewallGroups, or the tag of an existing firewall. @default none */
  readonly firewallGroups?: ReadonlyArray<FirewallGroup | pulumi.Input<string>>;
  /**
   * Keys DigitalOcean installs for root: OpenSSH public key lines (each registered as an SSH
   * key named `${name}-ssh-<i>`; DigitalOcean refuses the same key twice per account, so share
   * a key between droplets by id or fingerprint) or ids/fingerprints of existing keys.
   * @default none (DigitalOcean then e-mails a root password)
   */
  readonly sshKeys?: readonly SshKeyRef[];
  /** First-boot setup rendered as #cloud-config. @default none */
  readonly cloudInit?: VmCloudInit;
  /** Raw user data instead of `cloudInit`. @default none */
  readonly userData?: pulumi.Input<string>;
  /** Labels, flattened into tags (`env: lab` -> `env-lab`) next to Hearth's. @default {} */
  readonly labels?: Record<string, string>;
  /** Extra tags as they are. @default [] */
  readonly tags?: readonly string[];
  /** Backups: `true` (DigitalOcean's default plan) or a BackupPolicy. @default false */
  readonly backups?: boolean | BackupPolicy;
}

/** A DigitalOcean droplet from an image or snapshot, the cloud twin of the Proxmox VmFromTemplate. */
export class VmFromTemplate extends pulumi.ComponentResource {
  /** DigitalOcean's numeric droplet id. */
  public readonly dropletId: pulumi.Output<number>;
  public readonly size: string;
  public readonly ipv4Address: pulumi.Output<string>;
  public readonly ipv6Address: pulumi.Output<string>;
  public readonly privateIpv4Address: pulumi.Output<string>;
  public readonly tags: pulumi.Output<string[]>;

  constructor(name: string, args: VmFromTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered; Outputs when they resolve.
    const fail = failFor("VmFromTemplate", name);
    checkArgs(fail, args, '{ region: "fra1" }');
    const hostname = checkHostname(fail, args.hostname === undefined ? "name" : "hostname", args.hostname ?? name);
    const region = checked(args.region, (v) => checkRegion(fail, "region", v));
    const size = resolveDropletSize(fail, "size", args.size ?? "small");
    const keys = sortSshKeys(fail, "sshKeys", args.sshKeys);
    const userData = cloudVmUserData(fail, hostname, args.cloudInit, args.userData, "digitalocean");
    const ownTags = doTags(fail, "VmFromTemplate", args.labels, args.tags);
    const backups = args.backups ?? false;
    if (typeof backups !== "boolean" && !(backups instanceof BackupPolicy)) {
      fail("backups", backups, "use true, false or a digitalocean BackupPolicy");
    }
    const networks = checkList(fail, "networks", args.networks, "[{ network: aNetwork }]");
    if (networks.length > 1) fail("networks", `${networks.length} networks`, "a droplet joins at most one VPC");
    const network = networks[0];
    if (network !== undefined && (network === null || typeof network !== "object" || Array.isArray(network) || network.network === undefined)) {
      fail("networks[0]", network, "use { network: aNetwork } or { network: vpcId }");
    }
    if (network !== undefined && "ip" in network) fail("networks[0].ip", (network as { ip: unknown }).ip, "DigitalOcean assigns VPC addresses itself; remove ip");
    if (network !== undefined && !(network.network instanceof Network) && isPlain(network.network) && typeof network.network !== "string") {
      fail("networks[0].network", network.network, "use a Hearth digitalocean Network or a VPC id (a string)");
    }
    const firewallTags = checkList(fail, "firewallGroups", args.firewallGroups, "[aFirewallGroup]").map((f, i) => {
      if (f instanceof FirewallGroup) return f.tag;
      if (isPlain(f)) {
        if (typeof f !== "string") fail(`firewallGroups[${i}]`, f, "use a Hearth digitalocean FirewallGroup or the tag of an existing firewall");
        checkTags(fail, `firewallGroups[${i}]`, [f]);
      }
      return pulumi.output(f);
    });
    const template = checked(args.template ?? "debian-12-x64", (v) => {
      if (!(typeof v === "number" ? isWholeNumber(v) && v > 0 : typeof v === "string" && /^[a-z0-9][a-z0-9._-]*$/.test(v))) {
        fail("template", v, 'use an image slug such as "debian-12-x64" or a snapshot id');
      }
    });
    super("hearth:digitalocean:VmFromTemplate", name, {}, opts);
    this.size = size;

    const registered = keys.publicKeys.map(
      ({ index, key }) => new digitalocean.SshKey(childName(name, "ssh", index), { name: childName(hostname, "ssh", index), publicKey: key }, { parent: this }).id,
    );
    this.tags = pulumi.all(firewallTags).apply((fwTags) => [...new Set([...ownTags, ...fwTags])].sort());
    const droplet = new digitalocean.Droplet(
      name,
      {
        name: hostname,
        region,
        size: this.size,
        image: pulumi.output(template).apply(String),
        sshKeys: [...registered, ...keys.references],
        ...(userData === undefined ? {} : { userData }),
        tags: this.tags,
        ...(network === undefined ? {} : { vpcUuid: network.network instanceof Network ? network.network.vpcUuid : network.network }),
        backups: backups !== false,
        ...(backups instanceof BackupPolicy ? { backupPolicy: backups.policy } : {}),
      },
      { parent: this },
    );
    this.dropletId = droplet.id.apply(Number);
    this.ipv4Address = droplet.ipv4Address;
    this.ipv6Address = droplet.ipv6Address;
    this.privateIpv4Address = droplet.ipv4AddressPrivate;
    this.registerOutputs({ dropletId: this.dropletId, ipv4Address: this.ipv4Address, tags: this.tags });
  }
}

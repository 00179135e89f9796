import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import { checkArgs, checkBoolean, checkHostname, checkIpAddress, checkList, cidrContains, failFor, isWholeNumber, type VmCloudInit, type Fail } from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { checked, claimUniqueName, cloudVmUserData, isPlain, providerScope, sortSshKeys, type SshKeyRef } from "@hearth/kit";
import { BackupPolicy } from "./backupPolicy.js";
import { checkLocation, resolveServerType, type HcloudLocation, type HcloudSize } from "./catalog.js";
import { FirewallGroup } from "./firewallGroup.js";
import { hcloudLabels } from "./labels.js";
import { Network } from "./network.js";

/** Checks a provider id given instead of a Hearth component: a positive whole number, or an Output. */
function checkIdOrOutput(fail: Fail, field: string, value: unknown, what: string): void {
  if (!isPlain(value)) return;
  if (!isWholeNumber(value) || value < 1) fail(field, value, `use ${what} (a positive whole number), not a name`);
}

/** A network to join: a Hearth Network, or an existing network's id, optionally with a fixed IP. */
export interface VmNetwork {
  readonly network: Network | pulumi.Input<number>;
  /** @default an address Hetzner picks from the subnet */
  readonly ip?: pulumi.Input<string>;
}

export interface VmFromTemplateArgs {
  /** The server's name and host name. @default the component's name */
  readonly hostname?: string;
  /** Where the server runs: fsn1, nbg1, hel1, ash, hil or sin. */
  readonly location: pulumi.Input<HcloudLocation>;
  /** An image name such as `"debian-12"`, or a snapshot id. @default "debian-12" */
  readonly template?: pulumi.Input<string | number>;
  /**
   * A core size (`"small"`, `{ cores: 2, memoryMb: 4096 }`, mapped to the smallest cx type
   * that fits) or a server type such as `"cpx22"`. The disk comes with the type.
   * @default "small" (cx23)
   */
  readonly size?: HcloudSize;
  /** Private networks to join. @default none */
  readonly networks?: readonly VmNetwork[];
  /** Firewalls to attach: Hearth FirewallGroups or firewall ids. @default none */
  readonly firewallGroups?: ReadonlyArray<FirewallGroup | pulumi.Input<number>>;
  /**
   * Keys Hetzner installs for root: OpenSSH public key lines (each registered as an SSH key
   * named `${name}-ssh-<i>`; Hetzner refuses the same key twice per project, so share a key
   * between servers by id or name) or ids/names of existing keys.
   * @default none (Hetzner then e-mails a root password)
   */
  readonly sshKeys?: readonly SshKeyRef[];
  /** First-boot setup rendered as #cloud-config. @default none */
  readonly cloudInit?: VmCloudInit;
  /** Raw user data instead of `cloudInit`. @default none */
  readonly userData?: pulumi.Input<string>;
  /** Extra labels, merged over Hearth's. @default {} */
  readonly labels?: Record<string, string>;
  /** Daily backups: `true`, or a BackupPolicy (which checks the retention). @default false */
  readonly backups?: boolean | BackupPolicy;
  /** Hetzner's delete and rebuild protection. @default false */
  readonly deleteProtection?: boolean;
}

/** A Hetzner Cloud server from an image or snapshot, the cloud twin of the Proxmox VmFromTemplate. */
export class VmFromTemplate extends pulumi.ComponentResource {
  /** Hetzner's numeric server id. */
  public readonly serverId: pulumi.Output<number>;
  public readonly serverType: string;
  public readonly ipv4Address: pulumi.Output<string>;
  public readonly ipv6Address: pulumi.Output<string>;
  /** The first private network address, when the server joins a network. */
  public readonly privateIpv4Address: pulumi.Output<string | undefined>;
  public readonly labels: Record<string, string>;

  constructor(name: string, args: VmFromTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered; Outputs when they resolve.
    const fail = failFor("VmFromTemplate", name);
    checkArgs(fail, args, '{ location: "fsn1" }');
    const hostname = checkHostname(fail, args.hostname === undefined ? "name" : "hostname", args.hostname ?? name);
    const location = checked(args.location, (v) => checkLocation(fail, "location", v));
    const serverType = resolveServerType(fail, "size", args.size ?? "small");
    const keys = sortSshKeys(fail, "sshKeys", args.sshKeys);
    const userData = cloudVmUserData(fail, hostname, args.cloudInit, args.userData, "hcloud");
    const labels = hcloudLabels(fail, "VmFromTemplate", args.labels);
    const backups = args.backups ?? false;
    if (typeof backups !== "boolean" && !(backups instanceof BackupPolicy)) {
      fail("backups", backups, "use true, false or an hcloud BackupPolicy");
    }
    const deleteProtection = args.deleteProtection === undefined ? false : checkBoolean(fail, "deleteProtection", args.deleteProtection);
    const template = checked(args.template ?? "debian-12", (v) => {
      if (!(typeof v === "number" ? isWholeNumber(v) && v > 0 : typeof v === "string" && /^[a-z0-9][a-z0-9._-]*$/.test(v))) {
        fail("template", v, 'use an image name such as "debian-12" or a snapshot id');
      }
    });
    const networks = checkList(fail, "networks", args.networks, "[{ network: aNetwork }]").map((n, i) => {
      if (n === null || typeof n !== "object" || Array.isArray(n) || n.network === undefined) fail(`networks[${i}]`, n, "use { network: aNetwork } or { network: networkId, ip }");
      const network = n.network;
      if (!(network instanceof Network)) checkIdOrOutput(fail, `networks[${i}].network`, network, "a Hearth hcloud Network or a network id");
      // A server's `ip` in a network is a private IPv4 address inside the subnet it joins
      // (../shared/specs/hcloud-openapi.json, attach_to_network_request `ip`).
      const ip = n.ip === undefined ? undefined : checked(n.ip, (v) => checkIpAddress(fail, `networks[${i}].ip`, v, "ipv4"));
      const inSubnet =
        ip !== undefined && network instanceof Network
          ? checked(pulumi.all([network.subnetCidr, ip]), ([range, address]) => {
              if (!cidrContains(range, address)) fail(`networks[${i}].ip`, address, `the address must lie inside the network's subnet ${range}`);
            }).apply(([, address]) => address)
          : ip;
      return { network, ip: inSubnet };
    });
    const firewallIds = checkList(fail, "firewallGroups", args.firewallGroups, "[aFirewallGroup]").map((f, i) => {
      if (f instanceof FirewallGroup) return f.firewallId;
      checkIdOrOutput(fail, `firewallGroups[${i}]`, f, "a Hearth hcloud FirewallGroup or a firewall id");
      return f;
    });
    // "Name of the Server to create (must be unique per Project ...)"
    // (../shared/specs/hcloud-openapi.json, components/schemas/create_server_request/properties/name)
    claimUniqueName(fail, args.hostname === undefined ? "name" : "hostname", "Hetzner Cloud server name", providerScope(opts, "hcloud"), hostname, `VmFromTemplate "${name}"`);
    super("hearth:hcloud:VmFromTemplate", name, {}, opts);
    this.serverType = serverType;
    this.labels = labels;

    const registered = keys.publicKeys.map(
      ({ index, key }) =>
        new hcloud.SshKey(childName(name, "ssh", index), { name: childName(hostname, "ssh", index), publicKey: key, labels: this.labels }, { parent: this }).id,
    );
    const server = new hcloud.Server(
      name,
      {
        name: hostname,
        location,
        serverType: this.serverType,
        image: pulumi.output(template).apply(String),
        sshKeys: [...registered, ...keys.references],
        ...(userData === undefined ? {} : { userData }),
        labels: this.labels,
        firewallIds,
        networks: networks.map((n) => ({
          networkId: n.network instanceof Network ? n.network.networkId : n.network,
          ...(n.ip === undefined ? {} : { ip: n.ip }),
          aliasIps: [],
        })),
        backups: backups !== false,
        deleteProtection,
        rebuildProtection: deleteProtection,
      },
      { parent: this, dependsOn: networks.flatMap((n) => (n.network instanceof Network ? [n.network.subnet] : [])) },
    );
    this.serverId = server.id.apply(Number);
    this.ipv4Address = server.ipv4Address;
    this.ipv6Address = server.ipv6Address;
    this.privateIpv4Address = server.networks.apply((list) => list?.[0]?.ip);
    this.registerOutputs({ serverId: this.serverId, ipv4Address: this.ipv4Address, ipv6Address: this.ipv6Address });
  }
}

import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";
import {
  checkArgs,
  checkHostname,
  checkIpAddress,
  cidrContains,
  failFor,
  Problems,
  validateVmArgs,
  vmResources,
  type BackupPolicy,
  type Fail,
  type VmCloudInit,
  type VmOutputs,
  type VmSizeName,
} from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { checked, childOptions, claimUniqueName, cloudVmUserData, composedLabels, isPlain, nameOwner, providerScope, sortSshKeys, type Outputs } from "@hearth/kit";
import { checkHcloudRetention, checkHcloudSchedule } from "./backups.js";
import { checkLocation, checkServerType, serverTypeFor, type HcloudLocation } from "./catalog.js";
import { hcloudLabels } from "./labels.js";
import { subnetRangeOf } from "./network.js";

/** One network a server joins (the contract's VmNetworkAttachment, with values that may come from other resources). */
export interface VmNetwork {
  /** A Hearth Network's `networkId` output, or an existing network's id (its digits, as a string). */
  readonly networkId: pulumi.Input<string>;
  /**
   * A fixed private IPv4 address inside the subnet the server joins (the bare address).
   * @default an address Hetzner picks from the subnet
   */
  readonly ipv4Address?: pulumi.Input<string>;
}

/** One volume a server attaches (the contract's VmVolumeAttachment, with a volume id that may come from a Volume). */
export interface VmVolume {
  /** An hcloud `Volume`'s `volumeId` output, or an existing volume's id (its digits, as a string), in the server's location. */
  readonly volumeId: pulumi.Input<string>;
  /** An absolute path in the guest to mount the volume at on first boot (through cloud-init). @default not mounted (attached only) */
  readonly mountPath?: string;
}

/**
 * A Hetzner Cloud server's args: the contract's VmArgs under the contract's names, plus what
 * only Hetzner has (`location`, `image`, `serverType`, root `sshKeys`, `userData`). Every type
 * is one a Pulumi package schema can state.
 */
export interface VmFromTemplateArgs {
  /** The server's name and host name (unique per project at Hetzner). @default the component's name */
  readonly hostname?: string;
  /** Where the server runs: fsn1, nbg1, hel1, ash, hil or sin. */
  readonly location: pulumi.Input<HcloudLocation>;
  /**
   * The image to install: an image name such as `"debian-12"`, or a snapshot's id as a string
   * (`"123456"`). An image is not a template: Hetzner installs it on a fresh disk.
   * @default "debian-12"
   */
  readonly image?: pulumi.Input<string>;
  /**
   * A named size: `nano`, `small`, `medium`, `large` or `xlarge`, mapped to the smallest
   * shared-vCPU type that fits (cx23, cx33, cx43). Leave it out to give `cores` and `memoryMb`
   * or a `serverType`.
   * @default "small" (cx23)
   */
  readonly size?: VmSizeName;
  /** Virtual CPU cores, with `memoryMb`, instead of a named `size` (mapped like `size`). */
  readonly cores?: number;
  /** Memory in MB, with `cores`, instead of a named `size`. */
  readonly memoryMb?: number;
  /**
   * A Hetzner server type such as `"cpx22"`, `"cax21"` or `"ccx13"`, instead of `size` or
   * `cores` and `memoryMb`. The disk comes with the type.
   * @default from `size`
   */
  readonly serverType?: string;
  /** Private networks to join, in order. @default none */
  readonly networks?: VmNetwork[];
  /** Firewalls the server joins: each a FirewallGroup's `groupId` (the firewall id, as a string). @default none */
  readonly firewallGroups?: pulumi.Input<string>[];
  /**
   * Keys Hetzner installs for root: OpenSSH public key lines (each registered as an SSH key
   * named `${name}-ssh-<i>`; Hetzner refuses the same key twice per project, so share a key
   * between servers by id or name) or ids/names of existing keys, as strings.
   * @default none (Hetzner then e-mails a root password)
   */
  readonly sshKeys?: pulumi.Input<string>[];
  /** First-boot setup rendered as #cloud-config. @default none */
  readonly cloudInit?: VmCloudInit;
  /** Raw user data instead of `cloudInit`. @default none */
  readonly userData?: pulumi.Input<string>;
  /** Extra labels, merged under Hearth's. @default {} */
  readonly labels?: Record<string, string>;
  /**
   * Backups of this server: Hetzner backs up once a day in a window it picks and keeps the last
   * 7, so `{}`, `{ schedule: "daily" }` and `{ retention: { keepDaily: 7 } }` are honoured and
   * anything else is refused. @default none
   */
  readonly backups?: BackupPolicy;
  /** Hetzner's delete and rebuild protection. @default false */
  readonly deleteProtection?: boolean;
  /**
   * A stable public IPv4 the server takes at creation: an hcloud `PublicIp`'s `ipId` (or an
   * existing primary IP's id, its digits as a string) in the server's location. Replacing the
   * server keeps the address. The server is then replaced delete-first: a primary IP is
   * assigned to one server at a time, and since 2026 only at a server's creation or while it is
   * stopped (`server_not_stopped`; ../shared/specs/hcloud-openapi.json, `/primary_ips`), so the
   * old server must be gone (deleting it detaches the IP) before the new one is created with
   * it; created the other way round, Hetzner refuses with 422 `primary_ip_assigned`.
   * @default an address that comes and goes with the server
   */
  readonly publicIpv4?: pulumi.Input<string>;
  /**
   * Volumes to attach, each through its own attachment `${name}-volume-<i>`, which detaches it
   * before the server goes or is replaced, and mounted at `mountPath` on first boot: cloud-init
   * adds an `/etc/fstab` line with `nofail` for the volume's `linux_device`
   * (`/dev/disk/by-id/scsi-0HC_Volume_<id>`, ../shared/specs/hcloud-openapi.json, `volume`
   * schema) and mounts it once attached. A mount is part of the user data, so adding or
   * removing a mounted volume later replaces the server (the volume and its data stay). A
   * volume must be in the server's location (`attach`: "Works only if the Server is in the same
   * Location as the Volume"). @default none
   */
  readonly volumes?: VmVolume[];
}

/** A network id Hetzner takes: a positive whole number, here as its digits. */
const networkIdPattern = /^[1-9][0-9]{0,18}$/;

/**
 * A Hetzner Cloud server from an image or snapshot, the cloud twin of the Proxmox VmFromTemplate.
 *
 * Children: `${name}` (hcloud Server), `${name}-ssh-<i>` (hcloud SshKey, one per public key line
 * in `sshKeys`), `${name}-volume-<i>` (hcloud VolumeAttachment, one per entry of `volumes`).
 */
export class VmFromTemplate extends pulumi.ComponentResource implements Outputs<VmOutputs> {
  /** Hetzner's server id, as a string. */
  public readonly instanceId: pulumi.Output<string>;
  /** The server's name and host name. */
  public readonly hostname: pulumi.Output<string>;
  /** The public IPv4 address. */
  public readonly ipv4Address: pulumi.Output<string>;
  /** Every label the server carries, Hearth's own included. */
  public readonly labels: pulumi.Output<Record<string, string>>;
  /** Hetzner's numeric server id. */
  public readonly serverId: pulumi.Output<number>;
  /** The server type the size mapped to (or the one given). */
  public readonly serverType: string;
  public readonly ipv6Address: pulumi.Output<string>;
  /** The first private network address, when the server joins a network. */
  public readonly privateIpv4Address: pulumi.Output<string | undefined>;

  constructor(name: string, args: VmFromTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered, and every problem is reported
    // at once; Outputs are checked when they resolve.
    const who = `VmFromTemplate "${name}"`;
    const fail = failFor("VmFromTemplate", name);
    checkArgs(fail, args, '{ location: "fsn1" }');
    const problems = new Problems(who);
    problems.add(validateVmArgs(who, args as never, "hcloud"));
    const reported = (field: string) => problems.list.some((p) => p.field === field || p.field.startsWith(`${field}.`) || p.field.startsWith(`${field}[`));

    const hostnameField = args.hostname === undefined ? "name" : "hostname";
    const hostname = args.hostname ?? name;
    if (args.hostname === undefined) problems.check((f) => checkHostname(f, "name", name));
    const location = problems.check((f) => checked(args.location, (v) => checkLocation(f, "location", v)));

    let serverType: string | undefined;
    if (args.serverType !== undefined) {
      if (args.size !== undefined || args.cores !== undefined || args.memoryMb !== undefined) {
        problems.check((f) => f("serverType", args.serverType, "give either a serverType or a size (or cores and memoryMb), not both"));
      } else serverType = problems.check((f) => checkServerType(f, "serverType", args.serverType));
    } else if (!reported("size") && !reported("cores") && !reported("memoryMb")) {
      const field = args.size === undefined && (args.cores !== undefined || args.memoryMb !== undefined) ? "cores" : "size";
      serverType = problems.check((f) => serverTypeFor(f, field, field === "size" ? (args.size ?? "small") : { cores: args.cores, memoryMb: args.memoryMb }, vmResources(args as never)));
    }

    const image = problems.check((f) =>
      checked(args.image ?? "debian-12", (v) => {
        if (typeof v !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(v)) f("image", v, 'use an image name such as "debian-12" or a snapshot id such as "123456"');
      }),
    );
    const keys = problems.check((f) => sortSshKeys(f, "sshKeys", args.sshKeys));
    const volumes = (Array.isArray(args.volumes) ? args.volumes : []).map((v, i) => {
      if (reported(`volumes[${i}]`)) return undefined;
      // A volume is attached by its numeric id (../shared/specs/hcloud-openapi.json, `POST /volumes/{id}/actions/attach`).
      const volumeId = problems.check((f) =>
        checked(v.volumeId, (id) => {
          if (typeof id !== "string" || !networkIdPattern.test(id)) f(`volumes[${i}].volumeId`, id, "use an hcloud Volume's volumeId or an existing volume's id (its digits, as a string)");
        }).apply(Number),
      );
      return volumeId === undefined ? undefined : { volumeId, mountPath: v.mountPath };
    });
    const mounted = volumes.filter((v) => v?.mountPath !== undefined);
    // Checked now with stand-in devices (sizes, conflicts with userData); rendered below with the real ones.
    const userDataWith = (f: Fail, devices: readonly string[]) =>
      cloudVmUserData(f, hostname, args.cloudInit, args.userData, "hcloud", mounted.map((v, j) => ({ device: devices[j]!, mountPath: v!.mountPath! })));
    const plannedUserData =
      reported("cloudInit") || reported(hostnameField) || reported("volumes") ? undefined : problems.check((f) => userDataWith(f, mounted.map(() => "/dev/disk/by-id/scsi-0HC_Volume_0000000000")));
    const labels = reported("labels") ? undefined : problems.check((f) => hcloudLabels(f, "VmFromTemplate", args.labels));
    if (args.backups !== undefined && !reported("backups")) {
      problems.check((f) => checkHcloudSchedule(f, "backups.schedule", args.backups!.schedule));
      problems.check((f) => checkHcloudRetention(f, "backups.retention", args.backups!.retention));
    }

    const networks = (Array.isArray(args.networks) ? args.networks : []).map((n, i) => {
      if (reported(`networks[${i}]`)) return undefined;
      const at = `networks[${i}]`;
      // A server joins a network by its numeric id (../shared/specs/hcloud-openapi.json,
      // create_server_request `networks`: "Network IDs which should be attached to the Server").
      const networkId = problems.check((f) =>
        checked(n.networkId, (v) => {
          if (typeof v !== "string" || !networkIdPattern.test(v)) f(`${at}.networkId`, v, "use a Hearth Network's networkId or an existing network's id (its digits, as a string)");
        }),
      );
      // A server's `ip` in a network is a private IPv4 address inside the subnet it joins
      // (../shared/specs/hcloud-openapi.json, attach_to_network_request `ip`).
      const ip = n.ipv4Address === undefined ? undefined : problems.check((f) => checked(n.ipv4Address!, (v) => checkIpAddress(f, `${at}.ipv4Address`, v, "ipv4")));
      const range = subnetRangeOf(n.networkId);
      const inSubnet =
        ip !== undefined && range !== undefined
          ? checked(pulumi.all([range, ip]), ([subnet, address]) => {
              if (!cidrContains(subnet, address)) fail(`${at}.ipv4Address`, address, `the address must lie inside the network's subnet ${subnet}`);
            }).apply(([, address]) => address)
          : ip;
      return networkId === undefined ? undefined : { networkId, ip: inSubnet };
    });
    const firewallIds = (Array.isArray(args.firewallGroups) ? args.firewallGroups : []).map((g, i) =>
      reported(`firewallGroups[${i}]`)
        ? undefined
        : problems.check((f) =>
            checked(g, (v) => {
              if (typeof v !== "string" || !networkIdPattern.test(v)) f(`firewallGroups[${i}]`, v, "use a Hearth FirewallGroup's groupId or an existing firewall's id (its digits, as a string)");
            }).apply(Number),
          ),
    );
    // A primary IP is given to a server by its numeric id (../shared/specs/hcloud-openapi.json,
    // create_server_request `public_net.ipv4`).
    const publicIpv4 =
      args.publicIpv4 === undefined
        ? undefined
        : problems.check((f) =>
            checked(args.publicIpv4!, (v) => {
              if (typeof v !== "string" || !networkIdPattern.test(v)) f("publicIpv4", v, "use an hcloud PublicIp's ipId or an existing primary IP's id (its digits, as a string)");
            }).apply(Number),
          );
    // "Name of the Server to create (must be unique per Project ...)"
    // (../shared/specs/hcloud-openapi.json, components/schemas/create_server_request/properties/name)
    if (!reported(hostnameField)) {
      problems.check((f) => claimUniqueName(f, hostnameField, "Hetzner Cloud server name", providerScope(opts, "hcloud"), hostname, nameOwner(opts, who)));
    }
    problems.throwIfAny();
    super("hearth:hcloud:VmFromTemplate", name, {}, opts);
    // What Hetzner says of each volume, read when its id is known: its location (checked against
    // the server's before anything is attached) and its stable device path.
    const facts = volumes.map((v, i) =>
      hcloud.getVolumeOutput({ id: v!.volumeId }, { parent: this }).apply((vol) => {
        return checked(location!, (wanted) => {
          if (vol.location !== undefined && vol.location !== wanted) {
            fail(`volumes[${i}].volumeId`, String(vol.id), `volume "${vol.name}" is in ${vol.location}; a server attaches volumes of its own location (${wanted}) only`);
          }
        }).apply(() => vol);
      }),
    );
    const userData =
      mounted.length === 0
        ? plannedUserData
        : pulumi.all(volumes.flatMap((v, i) => (v?.mountPath === undefined ? [] : [facts[i]!.linuxDevice]))).apply((devices) => pulumi.output(userDataWith(fail, devices)!));
    this.serverType = serverType!;
    // A composing component (GatewayNode) may lay its own labels over these and give the
    // children options such as aliases (@hearth/kit composition); a user's options carry none.
    const allLabels = composedLabels(opts, labels!);

    const registered = keys!.publicKeys.map(({ index, key }) => {
      const keyName = childName(name, "ssh", index);
      return new hcloud.SshKey(keyName, { name: childName(hostname, "ssh", index), publicKey: key, labels: allLabels }, childOptions(opts, keyName, { parent: this })).id;
    });
    const deleteProtection = args.deleteProtection ?? false;
    const server = new hcloud.Server(
      name,
      {
        name: hostname,
        location: location!,
        serverType: this.serverType,
        image: image!,
        sshKeys: [...registered, ...keys!.references],
        ...(userData === undefined ? {} : { userData }),
        labels: allLabels,
        firewallIds: firewallIds.map((id) => id!),
        networks: networks.map((n) => ({
          networkId: pulumi.output(n!.networkId).apply(Number),
          ...(n!.ip === undefined ? {} : { ip: n!.ip }),
          aliasIps: [],
        })),
        backups: args.backups !== undefined,
        deleteProtection,
        rebuildProtection: deleteProtection,
        ...(publicIpv4 === undefined ? {} : { publicNets: [{ ipv4Enabled: true, ipv4: publicIpv4, ipv6Enabled: true }] }),
      },
      childOptions(opts, name, { parent: this, ...(publicIpv4 === undefined ? {} : { deleteBeforeReplace: true }) }),
    );
    // One attachment per volume, replaced delete-first: a volume is attached to one server at a
    // time (`attach` refuses an attached volume, `volume_already_attached`), and the provider's
    // attachment delete detaches the volume from whichever server holds it
    // (terraform-provider-hcloud, internal/volume/resource_attachment.go). When the server is
    // replaced (created first), the old attachment detaches, the new one attaches to the new
    // server, then the old server goes; on destroy the attachment goes before the server.
    const attachments = volumes.map((v, i) => {
      const attachmentName = childName(name, "volume", i);
      const volumeId = facts[i]!.apply((vol) => vol.id);
      return new hcloud.VolumeAttachment(
        attachmentName,
        { serverId: server.id.apply(Number), volumeId, automount: false },
        childOptions(opts, attachmentName, { parent: this, deleteBeforeReplace: true }),
      );
    });
    // Resolves once every volume is attached: attaching locks the server, so whatever acts on the
    // server by this id (a Snapshot) waits for the attachments.
    this.instanceId = attachments.length === 0 ? server.id : pulumi.all([server.id, ...attachments.map((a) => a.id)]).apply(([id]) => id as string);
    this.serverId = server.id.apply(Number);
    this.hostname = server.name;
    this.labels = pulumi.output(allLabels);
    this.ipv4Address = server.ipv4Address;
    this.ipv6Address = server.ipv6Address;
    this.privateIpv4Address = server.networks.apply((list) => list?.[0]?.ip);
    this.registerOutputs({
      instanceId: this.instanceId,
      hostname: this.hostname,
      ipv4Address: this.ipv4Address,
      labels: this.labels,
      serverId: this.serverId,
      ipv6Address: this.ipv6Address,
    });
  }
}

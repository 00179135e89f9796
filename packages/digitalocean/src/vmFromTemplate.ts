import * as pulumi from "@pulumi/pulumi";
import * as digitalocean from "@pulumi/digitalocean";
import {
  checkArgs,
  checkBoolean,
  checkHostname,
  failFor,
  labelsToTags,
  Problems,
  validateVmArgs,
  vmResources,
  type BackupPolicy,
  type Fail,
  type VmArgs,
  type VmCloudInit,
  type VmOutputs,
  type VmSizeName,
} from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { checked, childOptions, cloudVmUserData, composedLabels, compositionOf, sortSshKeys, type Outputs } from "@hearth/kit";
import { checkDoRetention, toDropletBackupPolicy, type DoBackupSchedule } from "./backups.js";
import { checkDropletSize, checkRegion, dropletSizeFor, type DoRegion } from "./catalog.js";
import { checkFirewallTag, checkTags, doLabels, doTags } from "./labels.js";
import { doVolumeDevice } from "./volume.js";

/** The VPC a droplet joins (the contract's VmNetworkAttachment, with values that may come from other resources). */
export interface VmNetwork {
  /** A Hearth Network's `networkId` output, or an existing VPC's id. */
  readonly networkId: pulumi.Input<string>;
  /**
   * Not supported: DigitalOcean assigns a droplet's VPC address itself (`POST /v2/droplets`
   * takes `vpc_uuid` only, ../shared/specs/digitalocean-openapi.json). Any value is an error
   * saying so; the field exists so the contract's literal type-checks.
   */
  readonly ipv4Address?: pulumi.Input<string>;
}

/** One volume a droplet attaches (the contract's VmVolumeAttachment, with a volume id that may come from a Volume). */
export interface VmVolume {
  /** A digitalocean `Volume`'s `volumeId` output, or an existing volume's id, in the droplet's region. */
  readonly volumeId: pulumi.Input<string>;
  /** An absolute path in the guest to mount the volume at on first boot (through cloud-init). @default not mounted (attached only) */
  readonly mountPath?: string;
}

/**
 * A droplet's args: the contract's VmArgs under the contract's names, plus what only
 * DigitalOcean has (`region`, `image`, `dropletSize`, root `sshKeys`, `userData`, `tags`).
 * Every type is one a Pulumi package schema can state.
 */
export interface VmFromTemplateArgs {
  /** The droplet's name and host name. @default the component's name */
  readonly hostname?: string;
  /** The droplet's region: nyc1, nyc3, sfo2, sfo3, ams3, sgp1, lon1, fra1, tor1, blr1, syd1 or atl1. */
  readonly region: pulumi.Input<DoRegion>;
  /**
   * The image to install: an image slug such as `"debian-12-x64"`, or a snapshot's id as a
   * string (`"987654"`). An image is not a template: DigitalOcean installs it on a fresh disk.
   * @default "debian-12-x64"
   */
  readonly image?: pulumi.Input<string>;
  /**
   * A named size: `nano`, `small`, `medium`, `large` or `xlarge`, mapped to the smallest basic
   * droplet that fits. Leave it out to give `cores` and `memoryMb` or a `dropletSize`.
   * @default "small" (s-1vcpu-2gb)
   */
  readonly size?: VmSizeName;
  /** Virtual CPU cores, with `memoryMb`, instead of a named `size` (mapped like `size`). */
  readonly cores?: number;
  /** Memory in MB, with `cores`, instead of a named `size`. */
  readonly memoryMb?: number;
  /**
   * A DigitalOcean size slug such as `"s-2vcpu-4gb"` or `"c-2"`, instead of `size` or `cores`
   * and `memoryMb`. The disk comes with the size.
   * @default from `size`
   */
  readonly dropletSize?: string;
  /** The VPC to join; a droplet joins at most one. @default the region's default VPC */
  readonly networks?: VmNetwork[];
  /** Firewalls that apply: each a FirewallGroup's `groupId` (the firewall's tag, which the droplet then carries). @default none */
  readonly firewallGroups?: pulumi.Input<string>[];
  /**
   * Keys DigitalOcean installs for root: OpenSSH public key lines (each registered as an SSH
   * key named `${name}-ssh-<i>`; DigitalOcean refuses the same key twice per account, so share
   * a key between droplets by id or fingerprint) or ids/fingerprints of existing keys, as strings.
   * @default none (DigitalOcean then e-mails a root password)
   */
  readonly sshKeys?: pulumi.Input<string>[];
  /** First-boot setup rendered as #cloud-config. @default none */
  readonly cloudInit?: VmCloudInit;
  /** Raw user data instead of `cloudInit`. @default none */
  readonly userData?: pulumi.Input<string>;
  /** Labels, flattened into tags (`env: lab` -> `env-lab`) next to Hearth's. @default {} */
  readonly labels?: Record<string, string>;
  /** Extra tags as they are. @default [] */
  readonly tags?: string[];
  /**
   * Backups of this droplet, as a droplet backup policy: the schedule a calendar event
   * DigitalOcean runs exactly (daily or on one weekday, on the hour 0, 4, 8, 12, 16 or 20 UTC,
   * the start of a 4-hour window: `"daily"`, `"*-*-* 04:00"`, `"sun 20:00"`), the retention what
   * the plan keeps (7 daily or 4 weekly backups). Anything else is refused. @default none
   */
  readonly backups?: BackupPolicy;
  /**
   * DigitalOcean has no delete protection for droplets (`POST /v2/droplets` has no such field,
   * ../shared/specs/digitalocean-openapi.json); `true` sets Pulumi's `protect` option on the
   * droplet instead, so Pulumi refuses to delete or replace it (the control panel still can).
   * @default false
   */
  readonly deleteProtection?: boolean;
  /**
   * A public IPv6 address besides the IPv4 one. Once on, turning it off replaces the droplet
   * (digitalocean/terraform-provider-digitalocean, digitalocean/droplet/resource_droplet.go:
   * `ForceNewIfChange("ipv6", ...)` when it goes from true to false). @default false
   */
  readonly ipv6?: boolean;
  /**
   * Volumes to attach, each through its own attachment `${name}-volume-<i>`, which detaches it
   * before the droplet goes or is replaced, and mounted at `mountPath` on first boot: cloud-init
   * adds an `/etc/fstab` line with `nofail` for `/dev/disk/by-id/scsi-0DO_Volume_<volume name>`
   * (the path DigitalOcean's CSI driver mounts, digitalocean/csi-digitalocean driver/node.go) and
   * mounts it once attached. Each volume is read (`${name}-volume-<i>`, a read of the digitalocean
   * Volume) for its name and region. A mount is part of the user data, so adding or removing a
   * mounted volume later replaces the droplet (the volume and its data stay). A volume must be in
   * the droplet's region. @default none
   */
  readonly volumes?: VmVolume[];
}

/**
 * A DigitalOcean droplet from an image or snapshot, the cloud twin of the Proxmox VmFromTemplate.
 *
 * Children: `${name}` (digitalocean Droplet), `${name}-ssh-<i>` (digitalocean SshKey, one per
 * public key line in `sshKeys`), `${name}-volume-<i>` (digitalocean VolumeAttachment, and a read
 * of the digitalocean Volume, one each per entry of `volumes`).
 */
export class VmFromTemplate extends pulumi.ComponentResource implements Outputs<VmOutputs> {
  /** The droplet's id, as a string. */
  public readonly instanceId: pulumi.Output<string>;
  /** The droplet's name and host name. */
  public readonly hostname: pulumi.Output<string>;
  /** The public IPv4 address. */
  public readonly ipv4Address: pulumi.Output<string>;
  /** Every label the droplet carries, Hearth's own included (DigitalOcean stores them flattened, as the tags below). */
  public readonly labels: pulumi.Output<Record<string, string>>;
  /** DigitalOcean's numeric droplet id. */
  public readonly dropletId: pulumi.Output<number>;
  /** The size slug the size mapped to (or the one given). */
  public readonly size: string;
  public readonly ipv6Address: pulumi.Output<string>;
  public readonly privateIpv4Address: pulumi.Output<string>;
  /** Every tag on the droplet: flattened labels, Hearth's own, firewall tags and `tags`. */
  public readonly tags: pulumi.Output<string[]>;

  constructor(name: string, args: VmFromTemplateArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered, and every problem is reported
    // at once; Outputs are checked when they resolve.
    const who = `VmFromTemplate "${name}"`;
    const fail = failFor("VmFromTemplate", name);
    checkArgs(fail, args, '{ region: "fra1" }');
    const problems = new Problems(who);
    // The contract's checks; values not known yet are skipped there and checked below.
    problems.add(validateVmArgs(who, args as unknown as VmArgs, "digitalocean"));
    const reported = (field: string) => problems.list.some((p) => p.field === field || p.field.startsWith(`${field}.`) || p.field.startsWith(`${field}[`));

    const hostnameField = args.hostname === undefined ? "name" : "hostname";
    const hostname = args.hostname ?? name;
    if (args.hostname === undefined) problems.check((f) => checkHostname(f, "name", name));
    const region = problems.check((f) => checked(args.region, (v) => checkRegion(f, "region", v)));

    let size: string | undefined;
    if (args.dropletSize !== undefined) {
      if (args.size !== undefined || args.cores !== undefined || args.memoryMb !== undefined) {
        problems.check((f) => f("dropletSize", args.dropletSize, "give either a dropletSize or a size (or cores and memoryMb), not both"));
      } else size = problems.check((f) => checkDropletSize(f, "dropletSize", args.dropletSize));
    } else if (!reported("size") && !reported("cores") && !reported("memoryMb")) {
      const field = args.size === undefined && (args.cores !== undefined || args.memoryMb !== undefined) ? "cores" : "size";
      size = problems.check((f) => dropletSizeFor(f, field, field === "size" ? (args.size ?? "small") : { cores: args.cores, memoryMb: args.memoryMb }, vmResources(args as unknown as VmArgs)));
    }

    const image = problems.check((f) =>
      checked(args.image ?? "debian-12-x64", (v) => {
        if (typeof v !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(v)) f("image", v, 'use an image slug such as "debian-12-x64" or a snapshot id such as "987654"');
      }),
    );
    const keys = problems.check((f) => sortSshKeys(f, "sshKeys", args.sshKeys));
    const volumes = (Array.isArray(args.volumes) ? args.volumes : []).map((v, i) => {
      if (reported(`volumes[${i}]`)) return undefined;
      const volumeId = problems.check((f) =>
        checked(v.volumeId, (id) => {
          if (typeof id !== "string" || id.trim() === "") f(`volumes[${i}].volumeId`, id, "use a digitalocean Volume's volumeId or an existing volume's id");
        }),
      );
      return volumeId === undefined ? undefined : { volumeId, mountPath: v.mountPath };
    });
    // "up to fifteen volumes may be attached to a Droplet at a time" (../shared/specs/digitalocean-openapi.json, attach action).
    if (volumes.length > 15) problems.check((f) => f("volumes", `${volumes.length} volumes`, "a droplet attaches at most 15 volumes"));
    const mounted = volumes.filter((v) => v?.mountPath !== undefined);
    const userDataWith = (f: Fail, devices: readonly string[]) =>
      cloudVmUserData(f, hostname, args.cloudInit, args.userData, "digitalocean", mounted.map((v, j) => ({ device: devices[j]!, mountPath: v!.mountPath! })));
    // Checked now with stand-in devices (sizes, conflicts with userData); rendered below with the real ones.
    const plannedUserData =
      reported("cloudInit") || reported(hostnameField) || reported("volumes")
        ? undefined
        : problems.check((f) => userDataWith(f, mounted.map(() => doVolumeDevice("v".repeat(64)))));
    const labels = reported("labels") ? undefined : problems.check((f) => doLabels(f, "VmFromTemplate", args.labels));
    // A composing component (GatewayNode) may lay its own labels over these (@hearth/kit composition); flattened like the rest.
    const composition = compositionOf(opts).labels;
    const ownTags = reported("labels")
      ? problems.check((f) => checkTags(f, "tags", args.tags))
      : composition === undefined
        ? problems.check((f) => doTags(f, "VmFromTemplate", args.labels, args.tags))
        : problems.check((f) => [...new Set([...labelsToTags(composedLabels(opts, labels!)), ...checkTags(f, "tags", args.tags)])].sort());
    const ipv6 = args.ipv6 === undefined ? undefined : problems.check((f) => checkBoolean(f, "ipv6", args.ipv6));

    let backupPolicy: DoBackupSchedule | undefined;
    if (args.backups !== undefined && !reported("backups")) {
      backupPolicy = problems.check((f) => toDropletBackupPolicy(f, "backups.schedule", args.backups!.schedule ?? "daily"));
      if (backupPolicy) problems.check((f) => checkDoRetention(f, "backups.retention", backupPolicy!.plan, args.backups!.retention));
    }

    const networks = Array.isArray(args.networks) ? args.networks : [];
    if (networks.length > 1) problems.check((f) => f("networks", `${networks.length} networks`, "a droplet joins at most one VPC"));
    const network = networks[0];
    const vpcUuid =
      network === undefined || reported("networks[0]")
        ? undefined
        : problems.check((f) => {
            if (network.ipv4Address !== undefined) f("networks[0].ipv4Address", network.ipv4Address, "DigitalOcean assigns VPC addresses itself; remove ipv4Address");
            return checked(network.networkId, (v) => {
              if (typeof v !== "string" || v.trim() === "") f("networks[0].networkId", v, "use a Hearth Network's networkId or an existing VPC's id");
            });
          });
    const firewallTags = (Array.isArray(args.firewallGroups) ? args.firewallGroups : []).map((g, i) =>
      reported(`firewallGroups[${i}]`)
        ? undefined
        : problems.check((f) =>
            checked(g, (v) => {
              checkFirewallTag(f, `firewallGroups[${i}]`, v);
            }),
          ),
    );
    problems.throwIfAny();
    super("hearth:digitalocean:VmFromTemplate", name, {}, opts);
    this.size = size!;
    // Each volume as DigitalOcean has it: its name (the device path) and region, checked against
    // the droplet's before anything is attached.
    const facts = volumes.map((v, i) => {
      const read = digitalocean.Volume.get(childName(name, "volume", i), v!.volumeId, undefined, { parent: this });
      return pulumi.all([read.id, read.name, read.region, region!]).apply(([id, volumeName, volumeRegion, wanted]) => {
        if (volumeRegion !== undefined && volumeRegion !== wanted) {
          fail(`volumes[${i}].volumeId`, id, `volume "${volumeName}" is in ${volumeRegion}; a droplet attaches volumes of its own region (${wanted}) only`);
        }
        return { id, device: doVolumeDevice(volumeName) };
      });
    });
    const userData =
      mounted.length === 0
        ? plannedUserData
        : pulumi.all(volumes.flatMap((v, i) => (v?.mountPath === undefined ? [] : [facts[i]!.device]))).apply((devices) => pulumi.output(userDataWith(fail, devices)!));

    const registered = keys!.publicKeys.map(({ index, key }) => {
      const keyName = childName(name, "ssh", index);
      return new digitalocean.SshKey(keyName, { name: childName(hostname, "ssh", index), publicKey: key }, childOptions(opts, keyName, { parent: this })).id;
    });
    this.tags = pulumi.all(firewallTags.map((t) => t!)).apply((fwTags) => [...new Set([...ownTags!, ...fwTags])].sort());
    const droplet = new digitalocean.Droplet(
      name,
      {
        name: hostname,
        region: region!,
        size: this.size,
        image: image!,
        sshKeys: [...registered, ...keys!.references],
        ...(userData === undefined ? {} : { userData }),
        tags: this.tags,
        ...(vpcUuid === undefined ? {} : { vpcUuid }),
        backups: backupPolicy !== undefined,
        ...(backupPolicy === undefined ? {} : { backupPolicy }),
        ...(ipv6 ? { ipv6 } : {}),
      },
      childOptions(opts, name, { parent: this, ...(args.deleteProtection ? { protect: true } : {}) }),
    );
    // One attachment per volume, replaced delete-first: "Each volume may only be attached to a
    // single Droplet" (../shared/specs/digitalocean-openapi.json, attach action) and the
    // provider's attachment create does not detach it from another droplet, its delete detaches it
    // from its own (terraform-provider-digitalocean, digitalocean/volume/resource_volume_attachment.go).
    // When the droplet is replaced (created first), the old attachment detaches, the new one
    // attaches to the new droplet, then the old droplet goes; on destroy the attachment goes first.
    const attachments = volumes.map((_, i) => {
      const attachmentName = childName(name, "volume", i);
      return new digitalocean.VolumeAttachment(
        attachmentName,
        { dropletId: droplet.id.apply(Number), volumeId: facts[i]!.id },
        childOptions(opts, attachmentName, { parent: this, deleteBeforeReplace: true }),
      );
    });
    // Resolves once every volume is attached, so whatever acts on the droplet by this id waits for them.
    this.instanceId = attachments.length === 0 ? droplet.id : pulumi.all([droplet.id, ...attachments.map((a) => a.id)]).apply(([id]) => id as string);
    this.dropletId = droplet.id.apply(Number);
    this.hostname = droplet.name;
    this.labels = pulumi.output(composedLabels(opts, labels!));
    this.ipv4Address = droplet.ipv4Address;
    this.ipv6Address = droplet.ipv6Address;
    this.privateIpv4Address = droplet.ipv4AddressPrivate;
    this.registerOutputs({
      instanceId: this.instanceId,
      hostname: this.hostname,
      ipv4Address: this.ipv4Address,
      labels: this.labels,
      dropletId: this.dropletId,
      tags: this.tags,
    });
  }
}

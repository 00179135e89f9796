import type { CloudInitFile } from "../cloudinit.js";
import { checkCloudConfig } from "../cloudinit.js";
import { checkBoolean, checkInt, checkOneOf, isUnresolved } from "../checks.js";
import { Problems, type Problem } from "../errors.js";
import { checkHostname, checkLabels } from "../naming.js";
import { sizeLimits, vmSizes, type VmSizeName } from "../sizing.js";
import { validateBackupPolicy, type BackupPolicy } from "./backup.js";
import { validateVmVolumes, type VmVolumeAttachment } from "./volume.js";

/**
 * One network a VM joins. `networkId` is what a Hearth `Network` reports as its `networkId`
 * (pass the output: `{ networkId: lan.networkId }`), or the provider's own id of an existing
 * network: a bridge or SDN VNet name at home (`"vmbr0"`), a network id at Hetzner, a VPC id at
 * DigitalOcean.
 */
export interface VmNetworkAttachment {
  /** The network to join (see above). */
  readonly networkId: string;
  /**
   * A fixed IPv4 address on that network. At home with its prefix (`"10.20.0.10/24"`, set
   * through cloud-init); in the clouds the bare address inside the network's subnet.
   * @default an address by DHCP (home) or picked by the cloud
   */
  readonly ipv4Address?: string;
}

/** First-boot setup through cloud-init, the same words on every provider. */
export interface VmCloudInit {
  /** The account cloud-init creates, with passwordless sudo. @default "hearth" */
  readonly user?: string;
  /** OpenSSH public key lines for that account. @default [] */
  readonly sshKeys?: string[];
  /** Packages installed at first boot. @default [] */
  readonly packages?: string[];
  /** Files written at first boot. @default [] */
  readonly writeFiles?: CloudInitFile[];
  /** Shell commands run once at first boot, in order. @default [] */
  readonly runcmd?: string[];
  /** @default the image's (usually UTC) */
  readonly timezone?: string;
}

/**
 * What every provider's VM takes, under the same names and types. Each provider package's
 * `VmFromTemplate` args extend this with what only it has (a node and a template at home, a
 * location and an image in the clouds), so a program moves between providers by changing its
 * import and those provider-specific values only. Every type here is one a Pulumi package
 * schema can state, so the same components serve Pulumi YAML programs: lists are `T[]` (the
 * schema inference of @pulumi/pulumi's provider/experimental/analyzer.js knows `Array` only, not
 * `ReadonlyArray`), words with a fixed set of values are checked at run time.
 */
export interface VmArgs {
  /** The VM's name and the guest's host name. @default the component name */
  readonly hostname?: string;
  /**
   * A named size: `nano`, `small`, `medium`, `large` or `xlarge` (see `vmSizes`); the clouds
   * map it to the smallest type that fits. Leave it out to give `cores` and `memoryMb`.
   * @default "small" (1 core, 2048 MB)
   */
  readonly size?: VmSizeName;
  /** Virtual CPU cores, with `memoryMb`, instead of a named `size`. @default from `size` */
  readonly cores?: number;
  /** Memory in MB, with `cores`, instead of a named `size`. @default from `size` */
  readonly memoryMb?: number;
  /** Networks to join, in order. @default the provider's default network only */
  readonly networks?: VmNetworkAttachment[];
  /** Firewall groups the VM joins: each a Hearth `FirewallGroup`'s `groupId`. @default none */
  readonly firewallGroups?: string[];
  /** First-boot setup through cloud-init. @default user "hearth" without keys (home), none (clouds) */
  readonly cloudInit?: VmCloudInit;
  /** Labels (Proxmox and DigitalOcean store them as tags). @default {} */
  readonly labels?: Record<string, string>;
  /** Backups of this VM. @default none */
  readonly backups?: BackupPolicy;
  /** Protect the VM from deletion at the provider where it can (Hetzner, Proxmox). @default false */
  readonly deleteProtection?: boolean;
  /**
   * Volumes the VM attaches (each a Hearth `Volume`'s `volumeId`), detached again before the VM
   * goes or is replaced, and mounted at their `mountPath` on first boot. @default none
   */
  readonly volumes?: VmVolumeAttachment[];
}

/** What every provider's VM reports (as Outputs), under the same names. */
export interface VmOutputs {
  /** The provider's id of the VM: the Proxmox VM id, the Hetzner server id or the droplet id, as a string. */
  readonly instanceId: string;
  /** The VM's name and host name. */
  readonly hostname: string;
  /** Its main IPv4 address: public in the clouds, the first the guest agent reports at home; undefined while unknown. */
  readonly ipv4Address: string | undefined;
  /** Every label the VM carries, Hearth's own included. */
  readonly labels: Record<string, string>;
}

/** The CPU and memory a VM's args ask for: a named size, or `cores` and `memoryMb` together. */
export function vmResources(args: Pick<VmArgs, "size" | "cores" | "memoryMb">): { readonly cores: number; readonly memoryMb: number } {
  if (args.cores !== undefined || args.memoryMb !== undefined) return { cores: args.cores ?? 0, memoryMb: args.memoryMb ?? 0 };
  return vmSizes[args.size ?? "small"];
}

/**
 * The contract's checks of a VM's common args: every problem, not only the first. Values not
 * known yet (Outputs, Promises) are skipped here; the provider checks them when they resolve.
 * `labelTarget` applies the provider's tag rules to labels.
 */
export function validateVmArgs(component: string, args: VmArgs, labelTarget?: "hcloud" | "digitalocean" | "proxmox"): Problem[] {
  const problems = new Problems(component);
  const known = (v: unknown) => v !== undefined && !isUnresolved(v);
  if (known(args.hostname)) problems.check((fail) => checkHostname(fail, "hostname", args.hostname));
  if (args.size !== undefined) {
    if (args.cores !== undefined || args.memoryMb !== undefined) {
      problems.check((fail) => fail("size", args.size, "give either a named size or cores and memoryMb, not both"));
    } else {
      problems.check((fail) => checkOneOf(fail, "size", args.size, Object.keys(vmSizes) as VmSizeName[]));
    }
  } else if (args.cores !== undefined || args.memoryMb !== undefined) {
    problems.check((fail) => checkInt(fail, "cores", args.cores, 1, sizeLimits.cores));
    problems.check((fail) => checkInt(fail, "memoryMb", args.memoryMb, 16, sizeLimits.memoryMb));
  }
  if (args.networks !== undefined) {
    if (!Array.isArray(args.networks)) problems.check((fail) => fail("networks", args.networks, "use a list such as [{ networkId: lan.networkId }]"));
    else
      args.networks.forEach((n, i) => {
        if (n === null || typeof n !== "object" || isUnresolved(n)) {
          problems.check((fail) => fail(`networks[${i}]`, n, "use { networkId } with a Network's networkId or the provider's id of a network"));
        } else if (known(n.networkId) && (typeof n.networkId !== "string" || n.networkId.trim() === "")) {
          problems.check((fail) => fail(`networks[${i}].networkId`, n.networkId, "use a Network's networkId output or the provider's id of a network, as a string"));
        } else if (n.networkId === undefined) {
          problems.check((fail) => fail(`networks[${i}].networkId`, undefined, "give the network to join: { networkId: lan.networkId }"));
        }
      });
  }
  if (args.firewallGroups !== undefined) {
    if (!Array.isArray(args.firewallGroups)) problems.check((fail) => fail("firewallGroups", args.firewallGroups, "use a list of FirewallGroup groupIds: [web.groupId]"));
    else
      args.firewallGroups.forEach((g, i) => {
        if (known(g) && (typeof g !== "string" || g.trim() === "")) {
          problems.check((fail) => fail(`firewallGroups[${i}]`, g, "use a FirewallGroup's groupId output (a string)"));
        }
      });
  }
  if (args.cloudInit !== undefined) {
    const c = args.cloudInit;
    if (c === null || typeof c !== "object" || Array.isArray(c) || isUnresolved(c)) {
      problems.check((fail) => fail("cloudInit", c, 'use an object such as { user: "ops", sshKeys: [...] }'));
    } else {
      // The contract's one account is the rendered config's users[0]: report it under the args' names.
      const asArgs = (field: string) => field.replace(/^cloudInit\.users\[0\]\.name$/, "cloudInit.user").replace(/^cloudInit\.users\[0\]\.sshKeys/, "cloudInit.sshKeys");
      problems.check((fail) =>
        checkCloudConfig((field, value, allowed) => fail(asArgs(field), value, allowed), "cloudInit", {
          users: c.user === undefined && c.sshKeys === undefined ? [] : [{ name: c.user ?? "hearth", sshKeys: c.sshKeys ?? [] }],
          ...(c.packages ? { packages: c.packages } : {}),
          ...(c.writeFiles ? { writeFiles: c.writeFiles } : {}),
          ...(c.runcmd ? { runcmd: c.runcmd } : {}),
          ...(c.timezone ? { timezone: c.timezone } : {}),
        }),
      );
    }
  }
  if (args.labels !== undefined) problems.check((fail) => checkLabels(fail, "labels", args.labels, labelTarget));
  problems.add(validateBackupPolicy(component, "backups", args.backups));
  if (args.deleteProtection !== undefined) problems.check((fail) => checkBoolean(fail, "deleteProtection", args.deleteProtection));
  problems.add(validateVmVolumes(component, args.volumes));
  return [...problems.list];
}

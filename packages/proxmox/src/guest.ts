import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { checkCidr, checkIpAddress, checkOneOf, checkVlanTag, Problems, type Fail, type Problem } from "@hearth/core";
import { checked, isPlain } from "@hearth/kit";
import { vzdumpJobInputs, type BackupCompression, type BackupMode } from "./backupJob.js";
import { checkGateway } from "./validation.js";
import { checkPveValue, type PveFormatKey } from "./pveFormats.js";
import { checkSecurityGroupName } from "./rules.js";
import { checkStorageContent } from "./storage.js";

// What a VM (VmFromTemplate) and a container (Container) share: their network cards, firewall
// groups, their own vzdump job and the checks around them. Internal to the package.

/** A guest's network card as both guests take it (a VM's card adds a model). */
export interface GuestNic {
  readonly networkId: pulumi.Input<string>;
  readonly ipv4Address?: string;
  readonly gateway?: string;
  readonly vlanTag?: number;
  readonly firewall?: boolean;
  readonly macAddress?: pulumi.Input<string>;
  readonly model?: string;
}

/** A guest's firewall groups, checked: each a security group name (a FirewallGroup's groupId), now or when it resolves. The contract's checks refuse a value that is not a list. */
export function checkFirewallGroups(problems: Problems, groups: unknown): (pulumi.Input<string> | undefined)[] {
  return (Array.isArray(groups) ? (groups as pulumi.Input<string>[]) : []).map((g, i) => problems.check((fail) => checkedInput(g, (v) => checkSecurityGroupName(fail, `firewallGroups[${i}]`, v))));
}

/**
 * Attaches firewall groups to a guest: one rule per group and the guest firewall enabled (input
 * policy DROP, output ACCEPT). Children `${name}-fw` and `${name}-fw-options`.
 */
export function attachFirewallGroups(
  name: string,
  parent: pulumi.Resource,
  scope: { readonly nodeName: pulumi.Input<string>; readonly vmId?: pulumi.Input<number>; readonly containerId?: pulumi.Input<number> },
  groups: pulumi.Input<string>[],
): void {
  if (groups.length === 0) return;
  new proxmoxve.firewall.RulesLegacy(`${name}-fw`, { ...scope, rules: groups.map((g) => ({ securityGroup: g, enabled: true, comment: "Managed by Hearth" })) }, { parent });
  new proxmoxve.firewall.OptionsLegacy(`${name}-fw-options`, { ...scope, enabled: true, inputPolicy: "DROP", outputPolicy: "ACCEPT" }, { parent });
}

/** A guest's own vzdump job (`${name}-backup`), selecting its id: backups point from the guest to its policy. */
export function ownBackupJob(name: string, parent: pulumi.Resource, backups: Parameters<typeof vzdumpJobInputs>[0], guestId: pulumi.Output<number>): proxmoxve.backup.Job {
  return new proxmoxve.backup.Job(`${name}-backup`, { ...vzdumpJobInputs(backups), enabled: true, vmids: [guestId.apply(String)] }, { parent });
}

export type { BackupCompression, BackupMode };

/** True when a value is known now, and so is every item when it is a list (a YAML program may put Outputs inside a list). */
export function plainList(value: unknown): boolean {
  return isPlain(value as pulumi.Input<unknown>) && (!Array.isArray(value) || value.every((v) => isPlain(v as pulumi.Input<unknown>)));
}

/**
 * Throws one HearthValidationError listing every problem, the first one found per field: the
 * contract and Proxmox check some fields both (a host name, a schedule), and one field needs
 * one fix.
 */
export function throwFirstPerField(component: string, found: readonly Problem[]): void {
  const seen = new Set<string>();
  const unique = new Problems(component);
  unique.add(found.filter((p) => !seen.has(p.field) && seen.add(p.field)));
  unique.throwIfAny();
}

/** Like kit's `checked`, but a plain value is checked now and returned as it is, not wrapped in an Output. */
export function checkedInput<T>(value: pulumi.Input<T>, check: (v: T) => void): pulumi.Input<T> {
  if (!isPlain(value)) return checked(value, check);
  check(value as T);
  return value;
}

/**
 * A value bound for a Proxmox id or property string, checked against its PVE format (see
 * pveFormats.ts): now when plain, when it resolves otherwise. Use the returned Input.
 */
export function checkedPve(fail: Fail, field: string, value: pulumi.Input<string>, key: PveFormatKey): pulumi.Input<string> {
  return checkedInput(value, (v) => checkPveValue(fail, field, v, key));
}

/**
 * A storage a guest puts volumes on, checked against its PVE format and, when this program
 * defines it (a `Storage`), against what it holds: a VM disk needs `images`, a container volume
 * `rootdir` (pve-storage: a volume of a content type the storage does not hold is refused).
 */
export function checkedGuestStorage(fail: Fail, field: string, value: pulumi.Input<string>, content: "images" | "rootdir"): pulumi.Input<string> {
  return checkedInput(value, (v) => {
    checkPveValue(fail, field, v, "storage");
    checkStorageContent(fail, field, v, content, content === "images" ? "a VM disk" : "a container volume");
  });
}

export function checkNics<T extends GuestNic>(problems: Problems, nics: T[], ipTarget: string, models?: readonly string[]): T[] | undefined {
  if (!Array.isArray(nics) || nics.length === 0 || nics.length > 32) {
    problems.check((fail) => fail("networks", nics, 'give 1 to 32 network cards such as [{ networkId: "vmbr0" }]'));
    return undefined;
  }
  const before = problems.list.length;
  const checkedNics = nics.map((nic, i) => {
    const field = `networks[${i}]`;
    // The contract's checks refuse a card that is not an object or has no networkId.
    if (nic === null || typeof nic !== "object" || nic.networkId === undefined) return nic;
    const networkId = problems.check((fail) => checkedPve(fail, `${field}.networkId`, nic.networkId, "bridge"));
    const macAddress = nic.macAddress === undefined ? undefined : problems.check((fail) => checkedPve(fail, `${field}.macAddress`, nic.macAddress!, "mac"));
    if (nic.vlanTag !== undefined) problems.check((fail) => checkVlanTag(fail, `${field}.vlanTag`, nic.vlanTag));
    if (nic.model !== undefined) problems.check((fail) => checkOneOf(fail, `${field}.model`, nic.model, models ?? []));
    if (nic.firewall !== undefined && typeof nic.firewall !== "boolean") problems.check((fail) => fail(`${field}.firewall`, nic.firewall, "use true or false"));
    const address =
      nic.ipv4Address === undefined
        ? undefined
        : problems.check((fail) => checkCidr(fail, `${field}.ipv4Address`, nic.ipv4Address, { family: "ipv4", kind: "interface", target: ipTarget }));
    if (nic.gateway !== undefined) {
      problems.check((fail) => {
        if (nic.ipv4Address === undefined) fail(`${field}.gateway`, nic.gateway, "a gateway goes with a fixed address: set ipv4Address too (DHCP brings its own gateway)");
        if (address !== undefined) checkGateway(fail, `${field}.gateway`, nic.gateway, nic.ipv4Address!);
        else checkIpAddress(fail, `${field}.gateway`, nic.gateway);
      });
    }
    return { ...nic, ...(networkId === undefined ? {} : { networkId }), ...(macAddress === undefined ? {} : { macAddress }) };
  });
  return problems.list.length > before ? undefined : checkedNics;
}

/**
 * A guest-disk volume id: a storage id, ':', then the name pve-storage gives a VM disk
 * (`vm-<vmid>-disk-N` on LVM/ZFS/Ceph, `<vmid>/vm-<vmid>-disk-N.<fmt>` on a directory; Plugin.pm
 * `parse_name_dir`, LvmThinPlugin.pm `parse_volname`).
 */
export const guestVolumeId = /^([a-z][a-z0-9\-_.]*[a-z0-9]):((?:\d+\/)?(?:vm|subvol)-(\d+)-disk-\d+(?:\.(?:raw|qcow2|vmdk|subvol))?)$/i;

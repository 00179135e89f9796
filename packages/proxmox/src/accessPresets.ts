import { DERIVED_GRANTS } from "./accessPresets.data.js";

/**
 * Where a grant of an AccessToken applies; the token fills in the ids it is given:
 * `cluster` is `/`, `sdn` is `/sdn`, `sdnZones` is `/sdn/zones` (where PVE checks creating a
 * zone: pve-network src/PVE/API2/Network/SDN/Zones.pm), `pool` is `/pool/<pool>` (which reaches every guest and
 * storage in the pool), `guest` is `/vms/<vmid>` (for what Proxmox checks on a guest before it
 * joins the pool: the tags of a new VM or container, qemu-server src/PVE/API2/Qemu.pm `create_vm`
 * calls pve-guest-common GuestHelpers.pm `assert_tag_permissions` before `add_vm_to_pool`),
 * `storage` is `/storage/<id>`, `sdnZone` is `/sdn/zones/<zone>` and
 * `node` is `/nodes/<node>` (ACL paths of proxmox/pve-access-control src/PVE/AccessControl.pm
 * `check_path`).
 */
export const AccessScope = { cluster: "cluster", sdn: "sdn", sdnZones: "sdnZones", pool: "pool", guest: "guest", storage: "storage", sdnZone: "sdnZone", node: "node" } as const;
export type AccessScope = (typeof AccessScope)[keyof typeof AccessScope];
export const accessScopes: readonly AccessScope[] = Object.values(AccessScope);

/** Privileges on one scope; `propagate`: they also apply to the paths below it. */
export interface AccessGrant {
  readonly scope: AccessScope;
  readonly privileges: readonly string[];
  readonly propagate: boolean;
}

/**
 * What an AccessToken is for:
 * - `homeStackCi`: the token a CI job runs `stacks/home` (Hearth's Proxmox components) with;
 *   its privileges are derived from the API calls those components make and the permission
 *   entries of the PVE 9.1 API schema (`npm run derive:access`, docs/proxmox.md "AccessToken").
 * - `readOnly`: every audit privilege on everything, as the built-in PVEAuditor role
 *   (AccessControl.pm `$privgroups`, the `audit` lists): for dashboards and `pulumi preview`.
 */
export const AccessPurpose = { homeStackCi: "homeStackCi", readOnly: "readOnly" } as const;
export type AccessPurpose = (typeof AccessPurpose)[keyof typeof AccessPurpose];
export const accessPurposes: readonly AccessPurpose[] = Object.values(AccessPurpose);

/** The audit privileges of AccessControl.pm `$privgroups` (VM, Sys, Datastore, SDN, Pool, Mapping). */
const auditPrivileges = ["Datastore.Audit", "Mapping.Audit", "Pool.Audit", "SDN.Audit", "Sys.Audit", "VM.Audit", "VM.GuestAgent.Audit"];

/** The grants of each purpose, by scope. */
export const accessPresets: Readonly<Record<AccessPurpose, readonly AccessGrant[]>> = {
  homeStackCi: DERIVED_GRANTS.homeStackCi,
  readOnly: [{ scope: "cluster", privileges: auditPrivileges, propagate: true }],
};

/** The ACL path of a scope for one id (`pool`, `web` -> `/pool/web`). */
export function scopePath(scope: AccessScope, id?: string): string {
  switch (scope) {
    case "cluster":
      return "/";
    case "sdn":
      return "/sdn";
    case "sdnZones":
      return "/sdn/zones";
    case "pool":
      return `/pool/${id}`;
    case "guest":
      return `/vms/${id}`;
    case "storage":
      return `/storage/${id}`;
    case "sdnZone":
      return `/sdn/zones/${id}`;
    case "node":
      return `/nodes/${id}`;
  }
}

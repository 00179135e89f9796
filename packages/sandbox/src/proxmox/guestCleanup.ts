import { ApiError } from "../router.js";
import type { PveState } from "../state.js";
import { deleteHaResource } from "./ha.js";

/**
 * What destroying a guest checks and cleans up in the cluster configuration, as qemu-server
 * src/PVE/API2/Qemu.pm `destroy_vm` does around `PVE::QemuServer::destroy_vm`, and
 * pve-container src/PVE/API2/LXC.pm `destroy_vm` the same way for a container (its HA resource
 * is `ct:<vmid>`, its message says CT).
 */

/** The guest kinds, as HA names them (pve-ha-manager src/PVE/HA/Tools.pm `get_ha_resource_type`: qemu -> vm, lxc -> ct). */
export type GuestKind = "vm" | "ct";

/** `$early_checks` without `purge`: an HA-managed guest or one with replication jobs is refused. */
export function guestDestroyChecks(pve: PveState, vmid: number, purge: boolean, kind: GuestKind = "vm"): void {
  if (purge) return;
  if (pve.ha?.resources[`${kind}:${vmid}`]) throw new ApiError(500, `unable to remove ${kind === "vm" ? "VM" : "CT"} ${vmid} - used in HA resources and purge parameter not set.`);
  // pve-guest-common src/PVE/ReplicationConfig.pm `check_for_existing_jobs`.
  const job = Object.entries(pve.replication ?? {}).find(([, j]) => Number(j.guest) === vmid);
  if (job) throw new ApiError(500, `There is a replication job '${job[0]}' for guest '${vmid}' - Please remove that first.`);
}

/**
 * After the guest is gone: pve-access-control src/PVE/AccessControl.pm `remove_vm_access` (its
 * ACLs on /vms/<vmid> and its pool membership), and with `purge` its replication jobs
 * (ReplicationConfig.pm `remove_vmid_jobs`) and its HA resource (HA Config.pm
 * `delete_service_from_config`). Backup jobs are purged by context.ts `destroyVm`.
 */
export function guestDestroyCleanup(pve: PveState, vmid: number, purge: boolean, kind: GuestKind = "vm"): void {
  if (pve.access) pve.access.acl = pve.access.acl.filter((e) => e.path !== `/vms/${vmid}` && !e.path.startsWith(`/vms/${vmid}/`));
  for (const pool of Object.values(pve.pools)) if (pool.vms) pool.vms = pool.vms.filter((v) => v !== vmid);
  if (!purge) return;
  for (const [id, job] of Object.entries(pve.replication ?? {})) if (Number(job.guest) === vmid) delete pve.replication![id];
  deleteHaResource(pve, `${kind}:${vmid}`, true);
}

import type { PveState } from "../state.js";

/**
 * What a run left in the cluster configuration emulated by access.ts, storageConfig.ts, ha.ts and
 * replication.ts: users (root@pam is always there), their tokens, custom roles, ACL entries,
 * storage definitions, HA resources and rules, replication jobs.
 */
export function configLeftovers(pve: PveState): string[] {
  const out: string[] = [];
  for (const [userid, user] of Object.entries(pve.access?.users ?? {})) {
    if (userid !== "root@pam") out.push(`proxmox user ${userid}`);
    for (const token of Object.keys(user.tokens)) out.push(`proxmox api token ${userid}!${token}`);
  }
  for (const role of Object.keys(pve.access?.roles ?? {})) out.push(`proxmox role ${role}`);
  for (const e of pve.access?.acl ?? []) out.push(`proxmox acl ${e.path} ${e.type} ${e.ugid} ${e.roleid}`);
  for (const id of Object.keys(pve.storageConfig ?? {})) out.push(`proxmox storage ${id}`);
  for (const sid of Object.keys(pve.ha?.resources ?? {})) out.push(`proxmox ha resource ${sid}`);
  for (const rule of Object.keys(pve.ha?.rules ?? {})) out.push(`proxmox ha rule ${rule}`);
  for (const id of Object.keys(pve.replication ?? {})) out.push(`proxmox replication job ${id}`);
  return out;
}

import type { HearthPolicy } from "../definition.js";
import type { PolicyContext } from "../settings.js";
import { tokens } from "../tokens.js";
import { bool, isUnknown, list, str } from "../unknown.js";
import type { ResourceView, Violation } from "../types.js";

interface BackupJobCoverage {
  readonly all: boolean;
  readonly vmids: ReadonlySet<string>;
  readonly excludes: ReadonlySet<string>;
  readonly pool?: string;
}

function jobCoverage(job: ResourceView): BackupJobCoverage | undefined {
  if (bool(job.props.enabled) === false) return undefined;
  const ids = (v: unknown) => {
    const l = list(v);
    return new Set(isUnknown(l) ? [] : l.map((x) => String(x)));
  };
  const pool = str(job.props.pool);
  return { all: bool(job.props.all) === true, vmids: ids(job.props.vmids), excludes: ids(job.props.excludes), ...(pool ? { pool } : {}) };
}

/** Whether a Proxmox VM is covered by one of the backup jobs; "unknown" when its VM id is not known yet. */
export function vmCoverage(vm: ResourceView, jobs: readonly BackupJobCoverage[]): "covered" | "uncovered" | "unknown" {
  const id = vm.props.vmId;
  const vmId = typeof id === "number" || typeof id === "string" ? String(id) : undefined;
  const pool = str(vm.props.poolId);
  for (const job of jobs) {
    if (job.all && (!vmId || !job.excludes.has(vmId))) return "covered";
    if (pool && job.pool === pool) return "covered";
    if (vmId && job.vmids.has(vmId)) return "covered";
  }
  return vmId === undefined && isUnknown(id) ? "unknown" : "uncovered";
}

/** Pure check over the whole stack: in production every VM, server and droplet is backed up. */
export function checkProductionBackups(resources: readonly ResourceView[], context: PolicyContext): Violation[] {
  if (context.environment !== "production") return [];
  const jobs = resources.filter((r) => r.type === tokens.proxmox.backupJob).map(jobCoverage).filter((j): j is BackupJobCoverage => !!j);
  const violations: Violation[] = [];
  for (const r of resources) {
    if (r.type === tokens.proxmox.vm) {
      if (bool(r.props.template) === true) continue;
      const c = vmCoverage(r, jobs);
      if (c === "uncovered") violations.push({ urn: r.urn, message: `Proxmox VM ${r.name} (vmId ${String(r.props.vmId ?? "unset")}) is in production but no enabled backup job covers it (by vmids, pool or all); give the VM backups (its own job) or cover it with a BackupJob (pool or all).` });
      if (c === "unknown") violations.push({ urn: r.urn, message: `Proxmox VM ${r.name} has no VM id yet, so its backup coverage cannot be proven; give it an explicit vmId, a pool covered by a backup job, or use a job with all: true.` });
    } else if (r.type === tokens.hcloud.server || r.type === tokens.digitalocean.droplet) {
      const backups = bool(r.props.backups);
      if (backups !== true && !isUnknown(backups)) {
        const kind = r.type === tokens.hcloud.server ? "Hetzner Cloud server" : "DigitalOcean droplet";
        violations.push({ urn: r.urn, message: `${kind} ${r.name} is in production without backups; set backups: true (through the component's backups option).` });
      }
    }
  }
  return violations;
}

export const productionBackupsPolicy: HearthPolicy = {
  name: "hearth-production-backups",
  displayName: "Production VMs are backed up",
  description:
    "In a production stack every Proxmox VM must be covered by an enabled backup job (its VM id listed, its pool selected, or all VMs), and every Hetzner Cloud server and DigitalOcean droplet must have backups turned on.",
  severity: "high",
  enforcementLevel: "mandatory",
  remediationSteps: "Give the VM backups (VmFromTemplate creates its own vzdump job) or cover it with a BackupJob (pool or all), or turn on the cloud server's backups.",
  contextFields: ["environment"],
  validateStack: checkProductionBackups,
};

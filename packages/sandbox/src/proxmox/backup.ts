import { createHash } from "node:crypto";
import { type ApiRequest, type Router } from "../router.js";
import type { PveContext } from "./context.js";
import { str } from "./props.js";
import { renderOptions, setOptions } from "./options.js";

type Job = Record<string, string | number>;

/**
 * What purging a VM does to one backup job (pve-guest-common src/PVE/VZDump/Plugin.pm
 * `remove_vmid_from_job`, called by `remove_vmid_from_backup_jobs` from qemu-server
 * `destroy_vm` with `purge`): the id leaves the job's `vmid` list, and a job whose list becomes
 * empty is deleted (undefined); for a job over all guests it leaves the `exclude` list.
 */
export function removeVmidFromJob(job: Job, vmid: number): Job | undefined {
  // PVE::Tools::split_list splits on commas, semicolons, whitespace and NULs.
  const without = (list: string | number): string => String(list).split(/[,;\s\0]+/).filter((x) => x !== "" && x !== String(vmid)).join(",");
  if (job.vmid !== undefined) {
    const list = without(job.vmid);
    return list ? { ...job, vmid: list } : undefined;
  }
  if (job.exclude !== undefined) {
    const { exclude, ...rest } = job;
    const list = without(exclude);
    return list ? { ...rest, exclude: list } : rest;
  }
  return job;
}

/** Backup jobs (pve-manager PVE/API2/Backup.pm). */
export function registerBackup(r: Router, c: PveContext): void {
  const { store, pve, fail, ok } = c;
  r.get("/cluster/backup", () => ok(Object.values(pve.backupJobs).map(renderOptions)));
  r.post("/cluster/backup", (q) => {
    const id = str(q.body.id) ?? `backup-${createHash("sha1").update(String(store.nextId())).digest("hex").slice(0, 13)}`;
    if (pve.backupJobs[id]) fail(500, `Job '${id}' already exists`);
    // Backup.pm `$schedule_param_check` with $required.
    if (q.body.schedule !== undefined && q.body.starttime !== undefined) fail(400, "Parameter verification failed.", { starttime: "'starttime' and 'schedule' cannot both be set" });
    if (q.body.schedule === undefined && q.body.starttime === undefined) fail(400, "Parameter verification failed.", { schedule: "neither 'starttime' nor 'schedule' were set" });
    const job: Record<string, string | number> = { id, type: "vzdump", enabled: 1 };
    setOptions(job, q.body);
    job.id = id;
    pve.backupJobs[id] = job;
    store.changed();
    return ok();
  });
  // Backup.pm `read_job` and `delete_job`: raise_param_exc({ id => "No such job '$id'" }) -> 400.
  const getJob = (q: ApiRequest) => pve.backupJobs[q.params.id!] ?? fail(400, "Parameter verification failed.", { id: `No such job '${q.params.id}'` });
  r.get("/cluster/backup/:id", (q) => ok(renderOptions(getJob(q))));
  r.put("/cluster/backup/:id", (q) => {
    // Backup.pm `update_job`: a plain die inside cfs_lock_file, re-raised as is -> 500.
    const job = pve.backupJobs[q.params.id!] ?? fail(500, "no such vzdump job");
    setOptions(job, q.body);
    job.id = q.params.id!;
    store.changed();
    return ok();
  });
  r.delete("/cluster/backup/:id", (q) => {
    getJob(q);
    delete pve.backupJobs[q.params.id!];
    store.changed();
    return ok();
  });
}

import { createHash } from "node:crypto";
import { type ApiRequest, type Router } from "../router.js";
import type { PveContext } from "./context.js";
import { str } from "./props.js";
import { renderOptions, setOptions } from "./options.js";

/** Backup jobs (pve-manager PVE/API2/Backup.pm). */
export function registerBackup(r: Router, c: PveContext): void {
  const { store, pve, fail, ok } = c;
  // --- backup jobs ---
  r.get("/cluster/backup", () => ok(Object.values(pve.backupJobs).map(renderOptions)));
  r.post("/cluster/backup", (q) => {
    const id = str(q.body.id) ?? `backup-${createHash("sha1").update(String(store.nextId())).digest("hex").slice(0, 13)}`;
    if (pve.backupJobs[id]) fail(500, `Job '${id}' already exists`);
    if (!q.body.schedule && !q.body.starttime) fail(400, "Parameter verification failed.", { schedule: "property is missing and it is not optional" });
    const job: Record<string, string | number> = { id, type: "vzdump", enabled: 1 };
    setOptions(job, q.body);
    job.id = id;
    pve.backupJobs[id] = job;
    store.changed();
    return ok();
  });
  const getJob = (q: ApiRequest) => pve.backupJobs[q.params.id!] ?? fail(500, `Job '${q.params.id}' does not exist`);
  r.get("/cluster/backup/:id", (q) => ok(renderOptions(getJob(q))));
  r.put("/cluster/backup/:id", (q) => {
    const job = getJob(q);
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

import { createHash } from "node:crypto";
import { ApiError, type Router } from "../router.js";
import { sleep } from "../router.js";
import type { PveContext } from "./context.js";
import { requestCaller } from "./permissions.js";
import { VOLUME_KEY } from "./lxcRules.js";
import { bool, DISK_KEY, splitProp, str } from "./props.js";
import { storageDefinition } from "./storageConfig.js";

/** How often pvescheduler runs the replication jobs, in real-world ms (pve-manager PVE/Service/pvescheduler.pm). */
const SCHEDULER_PERIOD_MS = 60_000;

/**
 * Storage replication jobs (`/etc/pve/replication.cfg`): proxmox/pve-manager
 * PVE/API2/ReplicationConfig.pm over proxmox/pve-guest-common src/PVE/ReplicationConfig.pm.
 *
 * What Proxmox requires of the guest is checked where it checks it: on create, the guest's
 * replicatable volumes (proxmox/qemu-server src/PVE/QemuConfig.pm `get_replicatable_volumes`):
 * every disk that is not a CD-ROM, not `replicate=0` and not on shared storage must support the
 * `replicate` feature, which among the emulated storage types only ZFS has
 * (proxmox/pve-storage src/PVE/Storage/ZFSPoolPlugin.pm `volume_has_feature`). The target's
 * storage is checked only when the job runs (pve-guest-common src/PVE/Replication.pm calls
 * `pvesr prepare-local-job` on the target; pve-manager PVE/CLI/pvesr.pm refuses with
 * `storage '<id>' is not replicatable`), which the sandbox does not emulate.
 */
export function registerReplication(r: Router, c: PveContext): void {
  const { pve, fail, ok, store, scaled } = c;
  const jobs = (): Record<string, Record<string, string | number>> => (pve.replication ??= {});
  const digest = (): string => createHash("sha1").update(JSON.stringify(jobs())).digest("hex");
  const paramError = (fields: Record<string, string>): never => {
    throw new ApiError(400, "Parameter verification failed.", undefined, fields);
  };
  /** ReplicationConfig.pm `parse_replication_job_id`. */
  const parseId = (id: string): { guest: number; jobnum: number; id: string } => {
    const m = /^(\d+)-(\d+)$/.exec(id) ?? fail(500, `invalid replication job id '${id}'`);
    const guest = Number(m[1]);
    if (guest < 100) fail(500, `invalid replication job id '${id}' (guest IDs < 100 are reserved)`);
    return { guest, jobnum: Number(m[2]), id: `${guest}-${Number(m[2])}` };
  };
  /** RPCEnvironment.pm `check` inside the handlers (the schema says `user: all`). */
  const may = (vmid: number, priv: string, noerr = false): boolean => {
    const subject = requestCaller.getStore()?.subject;
    if (!subject || subject.privs(`/vms/${vmid}`).has(priv)) return true;
    if (noerr) return false;
    throw new ApiError(403, `Permission check failed (/vms/${vmid}, ${priv})`);
  };
  const render = (id: string, job: Record<string, string | number>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...job, id };
    for (const k of ["disable"]) if (out[k] !== undefined) out[k] = Number(out[k]);
    if (out.rate !== undefined) out.rate = Number(out.rate);
    return out;
  };
  const options = (body: Record<string, unknown>, create: boolean): Record<string, string | number> => {
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(body)) {
      if (v === undefined || ["id", "type", "digest", "delete"].includes(k)) continue;
      if (!["target", "disable", "comment", "rate", "schedule", "remove_job", "source"].includes(k)) fail(500, `unexpected property '${k}'`);
      // SectionConfig.pm `check_config`: `target` is fixed.
      if (!create && k === "target") fail(500, "can't change value of fixed parameter 'target'");
      out[k] = k === "disable" ? (bool(v) ? 1 : 0) : k === "rate" ? Number(v) : String(v);
    }
    return out;
  };
  /** ReplicationConfig.pm `write_config`: one job per guest and target. */
  const assertUniqueTarget = (all: Record<string, Record<string, string | number>>): void => {
    const seen = new Set<string>();
    for (const job of Object.values(all)) {
      const key = `${job.guest}/local/${job.target}`;
      if (seen.has(key)) fail(500, `replication job for guest '${job.guest}' to target 'local/${job.target}' already exists`);
      seen.add(key);
    }
  };

  r.get("/cluster/replication", () =>
    ok(Object.keys(jobs()).sort().filter((id) => may(Number(jobs()[id]!.guest), "VM.Audit", true)).map((id) => render(id, jobs()[id]!))),
  );
  r.get("/cluster/replication/:id", (q) => {
    const job = jobs()[q.params.id!] ?? fail(500, `no such replication job '${q.params.id}'`);
    may(Number(job.guest), "VM.Audit");
    return ok({ ...render(q.params.id!, job), digest: digest() });
  });
  r.post("/cluster/replication", (q) => {
    const rawId = str(q.body.id) ?? paramError({ id: "property is missing and it is not optional" });
    const type = str(q.body.type) ?? paramError({ type: "property is missing and it is not optional" });
    if (type !== "local") fail(500, `unknown section type '${type}'`);
    const { guest, jobnum, id } = parseId(rawId);
    may(guest, "VM.Replicate");
    const ct = pve.vms[guest] ? undefined : pve.containers?.[guest];
    const vm = pve.vms[guest] ?? ct ?? fail(500, `Guest '${guest}' does not exist.`);
    const target = str(q.body.target) ?? "";
    if (!pve.nodes.includes(target)) fail(500, `Target '${target}' does not exist.`);
    const source = str(q.body.source);
    if (source !== undefined && source !== vm.node) fail(500, `Source '${source}' does not match current node of guest '${guest}' (${vm.node})`);
    if (target === vm.node) fail(500, "Source and target must not be identical");
    // QemuConfig.pm `get_replicatable_volumes`; for a container pve-container src/PVE/LXC/Config.pm
    // `get_replicatable_volumes` over rootfs and mpN (a bind mount cannot be replicated).
    const volumes: string[] = [];
    for (const [key, value] of Object.entries(vm.config)) {
      if (!(ct ? VOLUME_KEY : DISK_KEY).test(key)) continue;
      const { head, opts } = splitProp(String(value));
      const get = (k: string): string | undefined => opts.find(([x]) => x === k)?.[1];
      if (!ct && (get("media") === "cdrom" || head === "none" || head === "cdrom")) continue;
      if (get("replicate") !== undefined && !bool(get("replicate"))) continue;
      if (head.startsWith("/")) fail(500, ct ? "unable to replicate mountpoint type 'bind'" : `unable to replicate local file/device '${head}'`);
      const storeid = head.split(":")[0]!;
      const def = storageDefinition(pve, storeid);
      if (!def || bool(def.shared) || ["nfs", "cifs", "pbs"].includes(String(def.type))) continue;
      // The owner in the volume name (Plugin.pm / ZFSPoolPlugin.pm `parse_volname`: vm-, base-, subvol-, basevol-).
      const owner = /(?:^|[:/])(?:vm|base|subvol|basevol)-(\d+)-/.exec(head);
      if (!owner || Number(owner[1]) !== guest) continue;
      if (def.type !== "zfspool") fail(500, `missing replicate feature on volume '${head}'`);
      volumes.push(head);
    }
    if (volumes.length === 0) fail(500, "No replicatable volumes found");
    if (jobs()[id]) fail(500, `replication job '${id}' already exists`);
    const opts = options({ ...q.body, source: source ?? vm.node }, true);
    const next = { ...jobs(), [id]: { type, ...opts, guest, jobnum } };
    assertUniqueTarget(next);
    pve.replication = next;
    store.changed();
    return ok();
  });
  r.put("/cluster/replication/:id", (q) => {
    const { guest, id } = parseId(q.params.id!);
    may(guest, "VM.Replicate");
    if (q.body.digest !== undefined && String(q.body.digest) !== digest()) fail(500, "detected modified configuration - file changed by other user? Try again.");
    const job = jobs()[id] ?? fail(500, `no such job '${id}'`);
    const opts = options(q.body, false);
    for (const k of (str(q.body.delete) ?? "").split(/[\0,;\s]+/).filter(Boolean)) {
      if (!["target", "disable", "comment", "rate", "schedule", "remove_job", "source"].includes(k)) fail(500, `no such option '${k}'`);
      if (k === "target") fail(500, `unable to delete required option '${k}'`);
      delete job[k];
    }
    Object.assign(job, opts);
    store.changed();
    return ok();
  });
  r.delete("/cluster/replication/:id", (q) => {
    const { guest, id } = parseId(q.params.id!);
    may(guest, "VM.Replicate");
    if (bool(q.body.force)) {
      if (bool(q.body.keep)) paramError({ keep: "conflicts with parameter 'force'" });
      delete jobs()[id];
      store.changed();
      return ok();
    }
    const job = jobs()[id] ?? fail(500, `no such job '${id}'`);
    // Marked for removal; the replication runner then removes the job on its next run. pvescheduler
    // runs the replication jobs once a minute, at the minute (pve-manager PVE/Service/pvescheduler.pm:
    // `$sleep_time = 60`, shortened to the next full minute), so the job lingers, marked, until the
    // next tick of that one-minute clock (in sandbox time).
    job.remove_job = !bool(q.body.keep) && job.type === "local" ? "full" : "local";
    store.changed();
    const period = scaled(SCHEDULER_PERIOD_MS);
    void sleep(period - (Date.now() % period)).then(() => {
      if (pve.replication?.[id]?.remove_job) {
        delete pve.replication[id];
        store.changed();
      }
    });
    return ok();
  });
}

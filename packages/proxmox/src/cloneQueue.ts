/**
 * The clone queue: a bound on how many clones allocate on one storage at a time.
 *
 * What Proxmox really locks (sources in docs/proxmox.md, "What Proxmox locks during a clone"):
 * qemu-server `clone_vm` (src/PVE/API2/Qemu.pm) locks a stopped source, and a template is always
 * stopped, with `lock_config_shared`, so clones of one template run side by side; it locks the
 * TARGET id exclusively. Volume allocation (`vdisk_alloc`, `vdisk_clone`, pve-storage
 * src/PVE/Storage.pm) runs under the per-storage lock (`cluster_lock_storage`, Plugin.pm:
 * `/var/lock/pve-manager/pve-storage-<id>`, or the cluster-wide storage lock for shared storage)
 * with pve-common's default timeout of 10 s (src/PVE/Tools.pm `lock_file_full`). Many clones
 * onto one storage queue on that lock, and the ones still waiting after 10 s fail with
 * `can't lock file '/var/lock/pve-manager/pve-storage-<id>' - got timeout`, whatever template
 * they come from. So the queue is keyed by storage, not by template.
 *
 * Lanes: with a bound of N, the k-th clone registered for a storage waits (dependsOn) for the
 * (k-N)-th, so at most N run at once, in the program's registration order. Pure: it only
 * decides who waits for whom.
 */
export class CloneQueue<T> {
  private readonly queues = new Map<string, T[]>();

  /**
   * Adds a clone to the queue of `key`: `create` receives the earlier clone it must wait for
   * (undefined for one of the first `bound` clones of that key, and always with `"unbounded"`)
   * and returns the new clone, which is queued in its turn.
   */
  enqueue(key: string, bound: CloneBound, create: (waitFor: T | undefined) => T): T {
    if (bound !== "unbounded" && (!Number.isInteger(bound) || bound < 1)) {
      throw new RangeError(`a clone bound is a whole number of at least 1 or "unbounded", got ${String(bound)}`);
    }
    const queue = this.queues.get(key) ?? [];
    this.queues.set(key, queue);
    const item = create(bound !== "unbounded" && queue.length >= bound ? queue[queue.length - bound] : undefined);
    queue.push(item);
    return item;
  }

  /** The items queued for a key, in registration order. */
  entries(key: string): readonly T[] {
    return this.queues.get(key) ?? [];
  }

  /** Forgets every queue (for tests that build several programs in one process). */
  clear(): void {
    this.queues.clear();
  }
}

/** How many clones may allocate on one storage at once: a whole number, or no bound at all. */
export type CloneBound = number | "unbounded";

/**
 * The key of a storage's queue: the storage id. Local storage is locked per node and shared
 * storage cluster-wide (pve-storage Plugin.pm `cluster_lock_storage`); keying by the id alone
 * bounds a local storage across nodes too, which only ever serializes more clones than needed,
 * never fewer. A storage only known at deploy time (an Output) gets its own queue, `?`.
 */
export function storageQueueKey(storage: unknown): string {
  return typeof storage === "string" ? `storage/${storage}` : "storage/?";
}

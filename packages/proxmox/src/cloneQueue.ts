/**
 * The clone queue. Proxmox locks a template while it is being cloned, so parallel clones of
 * one template fail with `can't lock file '/var/lock/qemu-server/lock-<id>.conf' - got timeout`.
 * The queue turns "clones of the same template" into lanes: with a concurrency of N, the k-th
 * clone registered for a template waits for the (k-N)-th, so at most N run at once and the
 * order is the program's registration order. Pure: it only decides who waits for whom.
 */
export class CloneQueue<T> {
  private readonly queues = new Map<string, T[]>();

  /**
   * Adds a clone to the queue of `key`: `create` receives the earlier clone it must wait for
   * (undefined for one of the first `concurrency` clones of that template) and returns the new
   * clone, which is queued in its turn.
   */
  enqueue(key: string, concurrency: number, create: (waitFor: T | undefined) => T): T {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`clone concurrency must be a whole number of at least 1, got ${concurrency}`);
    const queue = this.queues.get(key) ?? [];
    this.queues.set(key, queue);
    const item = create(queue.length >= concurrency ? queue[queue.length - concurrency] : undefined);
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

/**
 * The key of a template's queue: node and VM id. A part that is not known while the program
 * runs (an Output) becomes `?`, which only ever serializes more clones than needed, never fewer.
 */
export function templateQueueKey(node: unknown, vmId: unknown): string {
  const part = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "?");
  return `${part(node)}/${part(vmId)}`;
}

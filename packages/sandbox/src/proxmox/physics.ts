/**
 * How long things take on the emulated host. These knobs describe the hardware and the guest
 * (disk bandwidth, volume allocation, boot), not locks: the locks and their timeouts are
 * Proxmox's own (see locks.ts) and are not configurable.
 *
 * Every duration is given in real-world milliseconds; the sandbox runs it `timeScale` times as
 * long (0.02 by default, so a 1 s lock timeout takes 20 ms and tests stay fast; 1 for a
 * benchmark in real time).
 */
export interface ProxmoxTiming {
  /** Wall-clock time per real-world millisecond. @default 0.02 */
  timeScale?: number;
  /**
   * Sequential disk copy bandwidth of each storage in MiB/s, shared equally by the copies that
   * run on it at the same time (a full clone copies its source's disks onto the target storage).
   * Models the copy `clone_vm` runs outside every lock (qemu-server `PVE/QemuServer.pm`
   * `clone_disk`, qemu-img convert or drive-mirror): its time depends on the hardware only.
   * @default { "local-lvm": 400, local: 200 } (an assumption: an SSD-backed host; no source gives a real figure)
   */
  copyMiBps?: Record<string, number>;
  /**
   * How long allocating one volume holds the storage lock: the storage plugin's `alloc_image` /
   * `clone_image` (lvcreate, qemu-img create, a linked-clone snapshot), which pve-storage
   * `PVE/Storage.pm` `vdisk_alloc` / `vdisk_clone` run inside `cluster_lock_storage`.
   * @default 300 (an assumption for a local LVM-thin pool)
   */
  allocateMs?: number;
  /**
   * How long after `qmstart` the guest agent answers: the guest's boot, until qemu-guest-agent
   * runs (before that, qemu-server answers agent calls with "QEMU guest agent is not running").
   * @default 20000 (an assumption for a cloud image; it depends on the guest)
   */
  bootMs?: number;
  /**
   * Base duration of the other tasks (create, start, stop, config, destroy...): a worker forked by
   * pve-manager's RPC environment (`fork_worker`) doing local work.
   * @default 1000 (an assumption)
   */
  taskMs?: number;
  /**
   * @deprecated Clones no longer hold an invented template lock. When set, a clone's disk copy
   * takes this many wall-clock ms when it runs alone on its storage, and N concurrent copies
   * share the storage (N × cloneMs each), instead of bytes / copyMiBps.
   */
  cloneMs?: number;
}

export interface Physics {
  timeScale: number;
  copyMiBps: Record<string, number>;
  allocateMs: number;
  bootMs: number;
  taskMs: number;
  cloneMs?: number;
}

export const DEFAULT_COPY_MIBPS: Record<string, number> = { "local-lvm": 400, local: 200 };

export function physics(t: ProxmoxTiming = {}): Physics {
  const timeScale = t.timeScale ?? 0.02;
  if (!(timeScale > 0)) throw new Error(`proxmox.timeScale must be > 0, got ${String(t.timeScale)}`);
  for (const [storage, v] of Object.entries(t.copyMiBps ?? {})) if (!(v > 0)) throw new Error(`proxmox.copyMiBps.${storage} must be > 0, got ${String(v)}`);
  return {
    timeScale,
    copyMiBps: { ...DEFAULT_COPY_MIBPS, ...t.copyMiBps },
    allocateMs: t.allocateMs ?? 300,
    bootMs: t.bootMs ?? 20_000,
    taskMs: t.taskMs ?? 1000,
    ...(t.cloneMs !== undefined ? { cloneMs: t.cloneMs } : {}),
  };
}

/** Wall-clock ms for a real-world duration. */
export const wall = (p: Physics, realMs: number): number => realMs * p.timeScale;

/** Real-world ms to copy `bytes` alone at `mibps` (the copy time before sharing). */
export const soloCopyMs = (bytes: number, mibps: number): number => (bytes / (mibps * 1024 * 1024)) * 1000;

/**
 * Processor sharing of one storage's bandwidth: each of the n copies running at a time progresses
 * at bandwidth / n, so a copy alone takes bytes / bandwidth and n equal copies started together
 * all finish after n × that. Work is measured in wall-clock ms at full bandwidth.
 */
export class SharedBandwidth {
  private readonly jobs = new Set<{ remaining: number; done: () => void }>();
  private last = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly now: () => number = () => performance.now()) {}

  get active(): number {
    return this.jobs.size;
  }

  /** Transfer `workMs` of work (wall ms at full bandwidth); resolves when done. */
  transfer(workMs: number): Promise<void> {
    if (workMs <= 0) return Promise.resolve();
    this.advance();
    return new Promise((resolve) => {
      this.jobs.add({ remaining: workMs, done: resolve });
      this.reschedule();
    });
  }

  private advance(): void {
    const t = this.now();
    const n = this.jobs.size;
    if (n > 0) {
      const share = (t - this.last) / n;
      for (const job of this.jobs) job.remaining -= share;
      for (const job of [...this.jobs]) {
        if (job.remaining <= 1e-6) {
          this.jobs.delete(job);
          job.done();
        }
      }
    }
    this.last = t;
  }

  private reschedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.jobs.size === 0) return;
    const min = Math.min(...[...this.jobs].map((j) => j.remaining));
    this.timer = setTimeout(() => {
      this.advance();
      this.reschedule();
    }, Math.max(0, min * this.jobs.size));
    this.timer.unref?.();
  }
}

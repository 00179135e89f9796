/**
 * The locks a Proxmox VE node takes, as flock(2) on lock files.
 *
 * - pve-common src/PVE/Tools.pm `lock_file_full($filename, $timeout, $shared, $code)`: flock
 *   LOCK_SH or LOCK_EX on the file, waiting at most `$timeout` seconds (10 when not given); on
 *   timeout it dies with `can't lock file '$filename' - got timeout` (the "got timeout" comes from
 *   `run_with_timeout`). Shared holders coexist; an exclusive holder excludes everyone.
 * - pve-guest-common src/PVE/AbstractConfig.pm `lock_config_shared` / `lock_config_full` (timeout
 *   given by the caller) and `lock_config` (= `lock_config_full` with 10 s); the file is
 *   qemu-server src/PVE/QemuConfig.pm `config_file_lock`: `/var/lock/qemu-server/lock-<vmid>.conf`.
 * - pve-storage src/PVE/Storage/Plugin.pm `cluster_lock_storage`: for a storage that is not
 *   shared, `lock_file("/var/lock/pve-manager/pve-storage-<storeid>", $timeout)`; the callers in
 *   src/PVE/Storage.pm (`vdisk_alloc`, `vdisk_clone`, `vdisk_create_base`, `vdisk_free`) pass
 *   no timeout, so 10 s.
 *
 * flock is not a FIFO: a shared request is granted while only shared holders exist, even if an
 * exclusive request waits (Linux lets readers pass a waiting writer). Waiters are tried in arrival
 * order whenever the file is released.
 */

export type LockMode = "shared" | "exclusive";

/** Timeouts the callers in the Proxmox sources pass, in real seconds. */
export const LOCK_TIMEOUT_S = {
  /** qemu-server src/PVE/API2/Qemu.pm `clone_vm`: source (shared or exclusive) and target (exclusive) locks. */
  clone: 1,
  /** pve-guest-common AbstractConfig.pm `lock_config` (PUT/POST config, resize, start, stop, destroy, template). */
  config: 10,
  /** pve-guest-common AbstractConfig.pm `create_and_lock_config` (POST /nodes/{node}/qemu). */
  create: 5,
  /** pve-storage Storage.pm `vdisk_alloc` / `vdisk_clone` through `cluster_lock_storage` (no timeout given: 10). */
  storage: 10,
} as const;

/** qemu-server src/PVE/QemuConfig.pm `config_file_lock`. */
export const configLockFile = (vmid: number): string => `/var/lock/qemu-server/lock-${vmid}.conf`;
/** pve-storage src/PVE/Storage/Plugin.pm `cluster_lock_storage` (non-shared storage). */
export const storageLockFile = (storeid: string): string => `/var/lock/pve-manager/pve-storage-${storeid}`;
/** pve-common Tools.pm `lock_file_full` + `run_with_timeout`: the text of a lock timeout. */
export const lockTimeoutMessage = (file: string): string => `can't lock file '${file}' - got timeout`;

/** Thrown when a lock is not granted within its timeout; the message is Proxmox's. */
export class LockTimeoutError extends Error {
  constructor(readonly file: string) {
    super(lockTimeoutMessage(file));
  }
}

interface Waiter {
  mode: LockMode;
  grant: () => void;
}

interface FileState {
  shared: number;
  exclusive: boolean;
  waiters: Waiter[];
}

/** Can a request of `mode` be granted on a file in this state? */
export function compatible(state: { shared: number; exclusive: boolean }, mode: LockMode): boolean {
  if (state.exclusive) return false;
  return mode === "shared" || state.shared === 0;
}

/** A table of flock-style lock files. `acquire` resolves to a release function or rejects with LockTimeoutError. */
export class FlockTable {
  private readonly files = new Map<string, FileState>();

  /** Who holds `file` now (for inspection and tests). */
  holders(file: string): { shared: number; exclusive: boolean; waiting: number } {
    const s = this.files.get(file);
    return { shared: s?.shared ?? 0, exclusive: s?.exclusive ?? false, waiting: s?.waiters.length ?? 0 };
  }

  isHeld(file: string): boolean {
    const s = this.files.get(file);
    return !!s && (s.exclusive || s.shared > 0);
  }

  /** Every file held or waited for now. */
  list(): Record<string, { shared: number; exclusive: boolean; waiting: number }> {
    return Object.fromEntries([...this.files.keys()].map((f) => [f, this.holders(f)]));
  }

  acquire(file: string, mode: LockMode, timeoutMs: number): Promise<() => void> {
    const state = this.files.get(file) ?? { shared: 0, exclusive: false, waiters: [] };
    this.files.set(file, state);
    const take = (): (() => void) => {
      if (mode === "exclusive") state.exclusive = true;
      else state.shared++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        if (mode === "exclusive") state.exclusive = false;
        else state.shared--;
        this.wake(file, state);
      };
    };
    if (compatible(state, mode)) return Promise.resolve(take());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        mode,
        grant: () => {
          clearTimeout(timer);
          resolve(take());
        },
      };
      const timer = setTimeout(() => {
        const i = state.waiters.indexOf(waiter);
        if (i >= 0) state.waiters.splice(i, 1);
        this.forget(file, state);
        reject(new LockTimeoutError(file));
      }, Math.max(0, timeoutMs));
      state.waiters.push(waiter);
    });
  }

  /** Run `fn` holding `file` in `mode`; the lock is released when `fn` settles. */
  async with<T>(file: string, mode: LockMode, timeoutMs: number, fn: () => Promise<T> | T): Promise<T> {
    const release = await this.acquire(file, mode, timeoutMs);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private wake(file: string, state: FileState): void {
    for (let i = 0; i < state.waiters.length; ) {
      const w = state.waiters[i]!;
      if (!compatible(state, w.mode)) {
        i++;
        continue;
      }
      state.waiters.splice(i, 1);
      w.grant();
    }
    this.forget(file, state);
  }

  private forget(file: string, state: FileState): void {
    if (!state.exclusive && state.shared === 0 && state.waiters.length === 0) this.files.delete(file);
  }
}

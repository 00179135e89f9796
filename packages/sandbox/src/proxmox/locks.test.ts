import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { compatible, configLockFile, FlockTable, LockTimeoutError, storageLockFile } from "./locks.js";

describe("lock files and texts (qemu-server QemuConfig.pm config_file_lock, pve-storage Plugin.pm cluster_lock_storage)", () => {
  it("names the files Proxmox locks", () => {
    expect(configLockFile(101)).toBe("/var/lock/qemu-server/lock-101.conf");
    expect(storageLockFile("local-lvm")).toBe("/var/lock/pve-manager/pve-storage-local-lvm");
    expect(new LockTimeoutError(configLockFile(101)).message).toBe("can't lock file '/var/lock/qemu-server/lock-101.conf' - got timeout");
  });

  it.each([
    [{ shared: 0, exclusive: false }, "shared", true],
    [{ shared: 0, exclusive: false }, "exclusive", true],
    [{ shared: 2, exclusive: false }, "shared", true],
    [{ shared: 2, exclusive: false }, "exclusive", false],
    [{ shared: 0, exclusive: true }, "shared", false],
    [{ shared: 0, exclusive: true }, "exclusive", false],
  ] as const)("flock on %o grants %s: %s", (state, mode, granted) => {
    expect(compatible(state, mode)).toBe(granted);
  });
});

describe("FlockTable", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const file = configLockFile(9000);

  it("lets shared holders in together (clones of one stopped template run side by side)", async () => {
    const t = new FlockTable();
    const a = await t.acquire(file, "shared", 1000);
    const b = await t.acquire(file, "shared", 1000);
    expect(t.holders(file)).toEqual({ shared: 2, exclusive: false, waiting: 0 });
    a();
    b();
    expect(t.isHeld(file)).toBe(false);
    expect(t.list()).toEqual({});
  });

  it("makes an exclusive request wait for the shared holders, and fails it with Proxmox's text after its timeout", async () => {
    const t = new FlockTable();
    const release = await t.acquire(file, "shared", 1000);
    const waiting = t.acquire(file, "exclusive", 1000);
    const outcome = waiting.then(() => "granted", (e: Error) => e.message);
    await vi.advanceTimersByTimeAsync(999);
    expect(t.holders(file).waiting).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(await outcome).toBe("can't lock file '/var/lock/qemu-server/lock-9000.conf' - got timeout");
    expect(t.holders(file)).toEqual({ shared: 1, exclusive: false, waiting: 0 });
    release();
  });

  it("grants a waiting exclusive request as soon as the last holder releases, within its timeout", async () => {
    const t = new FlockTable();
    const release = await t.acquire(file, "exclusive", 1000);
    let granted = false;
    const waiting = t.acquire(file, "exclusive", 10_000).then((r) => {
      granted = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(5000);
    expect(granted).toBe(false);
    release();
    (await waiting)();
    expect(granted).toBe(true);
    expect(t.isHeld(file)).toBe(false);
  });

  it("releases the lock when the guarded work throws", async () => {
    const t = new FlockTable();
    await expect(t.with(file, "exclusive", 10, () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(t.isHeld(file)).toBe(false);
  });

  it("a release called twice does not free someone else's lock", async () => {
    const t = new FlockTable();
    const first = await t.acquire(file, "shared", 10);
    first();
    const second = await t.acquire(file, "shared", 10);
    first();
    expect(t.holders(file).shared).toBe(1);
    second();
  });
});

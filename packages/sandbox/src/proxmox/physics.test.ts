import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { physics, SharedBandwidth, soloCopyMs, wall } from "./physics.js";

describe("physics knobs", () => {
  it("scales real-world durations to wall-clock time", () => {
    const p = physics({ timeScale: 0.5 });
    expect(wall(p, 1000)).toBe(500);
    expect(physics().timeScale).toBe(0.02);
    expect(() => physics({ timeScale: 0 })).toThrow("proxmox.timeScale must be > 0, got 0");
    expect(() => physics({ copyMiBps: { "local-lvm": -1 } })).toThrow("proxmox.copyMiBps.local-lvm must be > 0, got -1");
  });

  it("copies bytes / bandwidth alone", () => {
    expect(soloCopyMs(2 * 1024 ** 3, 400)).toBeCloseTo(5120);
  });
});

describe("SharedBandwidth: concurrent copies share one storage", () => {
  let clock = 0;
  beforeEach(() => {
    vi.useFakeTimers();
    clock = 0;
  });
  afterEach(() => {
    vi.useRealTimers();
  });
  const advance = async (ms: number): Promise<void> => {
    clock += ms;
    await vi.advanceTimersByTimeAsync(ms);
  };

  it("n equal copies started together finish together after n times the solo time", async () => {
    const bw = new SharedBandwidth(() => clock);
    const done: number[] = [];
    for (let i = 0; i < 3; i++) void bw.transfer(100).then(() => done.push(clock));
    await advance(299);
    expect(done).toEqual([]);
    await advance(1);
    expect(done).toEqual([300, 300, 300]);
    expect(bw.active).toBe(0);
  });

  it("a copy that joins later slows the running one down and both finish as the shared work says", async () => {
    const bw = new SharedBandwidth(() => clock);
    const done: Record<string, number> = {};
    void bw.transfer(100).then(() => (done.a = clock));
    await advance(50); // a has 50 left
    void bw.transfer(100).then(() => (done.b = clock));
    // Both at half speed: a needs 100 more ms, then b (50 left) runs alone.
    await advance(100);
    expect(done.a).toBe(150);
    await advance(50);
    expect(done.b).toBe(200);
  });
});

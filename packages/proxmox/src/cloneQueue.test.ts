import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CloneQueue, storageQueueKey, type CloneBound } from "./cloneQueue.js";

/** Registers `count` clones on one key and returns, for each, the clone it waits for (or null). */
function waits(count: number, bound: CloneBound): Array<number | null> {
  const queue = new CloneQueue<number>();
  const result: Array<number | null> = [];
  for (let i = 0; i < count; i++) {
    queue.enqueue("storage/local-lvm", bound, (waitFor) => {
      result.push(waitFor ?? null);
      return i;
    });
  }
  return result;
}

/**
 * The most clones that run at once when every clone takes one time unit and starts as soon as
 * the clone it waits for is done: what the engine does with the dependsOn edges.
 */
function peakConcurrency(waitsFor: Array<number | null>): number {
  const start: number[] = [];
  waitsFor.forEach((w, i) => (start[i] = w === null ? 0 : start[w]! + 1));
  const perStart = new Map<number, number>();
  for (const s of start) perStart.set(s, (perStart.get(s) ?? 0) + 1);
  return Math.max(...perStart.values());
}

describe("CloneQueue", () => {
  it.each([
    [1, 1, [null]],
    [5, 1, [null, 0, 1, 2, 3]],
    [5, 2, [null, null, 0, 1, 2]],
    [6, 3, [null, null, null, 0, 1, 2]],
    [3, 8, [null, null, null]],
    [4, "unbounded", [null, null, null, null]],
  ] as const)("%i clones with a bound of %s wait for %j", (count, bound, expected) => {
    expect(waits(count, bound)).toEqual(expected);
  });

  it("never runs more than the bound at once, and runs exactly min(bound, clones) at the start", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 64 }), (count, bound) => {
        const w = waits(count, bound);
        expect(peakConcurrency(w)).toBe(Math.min(bound, count));
        // Each clone waits for an earlier one, so the edges never form a cycle, and lanes keep registration order.
        w.forEach((waitFor, i) => expect(waitFor === null ? i < bound : waitFor === i - bound).toBe(true));
      }),
    );
  });

  it("keeps one queue per key, in registration order", () => {
    const queue = new CloneQueue<string>();
    const a = queue.enqueue(storageQueueKey("local-lvm"), 1, () => "a");
    const b = queue.enqueue(storageQueueKey("tank"), 1, (w) => `b(${w ?? "-"})`);
    queue.enqueue(storageQueueKey("local-lvm"), 1, (w) => `c(${w ?? "-"})`);
    expect([a, b]).toEqual(["a", "b(-)"]);
    expect(queue.entries("storage/local-lvm")).toEqual(["a", "c(a)"]);
    queue.clear();
    expect(queue.entries("storage/local-lvm")).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a bound of %s", (bound) => {
    expect(() => new CloneQueue<number>().enqueue("k", bound, () => 1)).toThrow(RangeError);
  });
});

describe("queue keys", () => {
  it.each([
    ["local-lvm", "storage/local-lvm"],
    [{ unknown: true }, "storage/?"],
    [undefined, "storage/?"],
  ])("storage %j -> %s", (storage, key) => {
    expect(storageQueueKey(storage)).toBe(key);
  });
});

import { describe, expect, it } from "vitest";
import { CloneQueue, templateQueueKey } from "./cloneQueue.js";

/** Registers `count` clones and returns, for each, the clone it waits for (or null). */
function waits(count: number, concurrency: number): Array<number | null> {
  const queue = new CloneQueue<number>();
  const result: Array<number | null> = [];
  for (let i = 0; i < count; i++) {
    queue.enqueue("pve1/9000", concurrency, (waitFor) => {
      result.push(waitFor ?? null);
      return i;
    });
  }
  return result;
}

describe("CloneQueue", () => {
  it.each([
    [1, 1, [null]],
    [5, 1, [null, 0, 1, 2, 3]],
    [5, 2, [null, null, 0, 1, 2]],
    [6, 3, [null, null, null, 0, 1, 2]],
    [3, 8, [null, null, null]],
  ])("%i clones with concurrency %i wait for %j", (count, concurrency, expected) => {
    expect(waits(count, concurrency)).toEqual(expected);
  });

  it("keeps one queue per key, in registration order", () => {
    const queue = new CloneQueue<string>();
    const a = queue.enqueue("pve1/9000", 1, () => "a");
    const b = queue.enqueue("pve1/9001", 1, (w) => `b(${w ?? "-"})`);
    queue.enqueue("pve1/9000", 1, (w) => `c(${w ?? "-"})`);
    expect([a, b]).toEqual(["a", "b(-)"]);
    expect(queue.entries("pve1/9000")).toEqual(["a", "c(a)"]);
    queue.clear();
    expect(queue.entries("pve1/9000")).toEqual([]);
  });

  it.each([0, -1, 1.5])("refuses a concurrency of %s", (concurrency) => {
    expect(() => new CloneQueue<number>().enqueue("k", concurrency, () => 1)).toThrow(RangeError);
  });
});

describe("templateQueueKey", () => {
  it.each([
    ["pve1", 9000, "pve1/9000"],
    [undefined, 9000, "?/9000"],
    ["pve1", { unknown: true }, "pve1/?"],
  ])("%j + %j -> %s", (node, vmId, key) => {
    expect(templateQueueKey(node, vmId)).toBe(key);
  });
});

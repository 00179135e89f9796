import { describe, it, expect } from "vitest";
import { linearFit, median, medianSample, ratio, round } from "./stats.js";
import { renderSvg } from "./plot.js";
import { originOf } from "./profile-summary.js";

describe("median", () => {
  it.each([
    [[5], 5],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, -10], 0],
    [[7, 7, 7, 1], 7],
  ])("median(%j) = %d", (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it("does not reorder its input", () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });

  it("refuses an empty list", () => {
    expect(() => median([])).toThrow(/no values/);
  });
});

describe("medianSample", () => {
  it("takes the median of each field independently and counts the runs", () => {
    const s = medianSample([
      { wallMs: 10, cpuMs: 30, peakRssMb: 100 },
      { wallMs: 30, cpuMs: 10, peakRssMb: 300 },
      { wallMs: 20, cpuMs: 20.00049, peakRssMb: 200 },
    ]);
    expect(s).toEqual({ wallMs: 20, cpuMs: 20, peakRssMb: 200, runs: 3 });
  });
});

describe("round and ratio", () => {
  it("rounds to the given digits", () => {
    expect(round(1.23456)).toBe(1.235);
    expect(round(1.23456, 1)).toBe(1.2);
    expect(round(-0.0004)).toBe(-0);
  });

  it("divides and rounds", () => {
    expect(ratio(110, 100)).toBe(1.1);
    expect(ratio(1, 3)).toBe(0.333);
  });

  it("refuses a zero or negative denominator", () => {
    expect(() => ratio(1, 0)).toThrow(/non-positive/);
    expect(() => ratio(1, -2)).toThrow(/non-positive/);
  });
});

describe("linearFit", () => {
  it("recovers an exact line with r2 = 1", () => {
    const f = linearFit([
      [100, 250],
      [1000, 2050],
      [3000, 6050],
    ]);
    expect(f.slope).toBeCloseTo(2, 10);
    expect(f.intercept).toBeCloseTo(50, 8);
    expect(f.r2).toBeCloseTo(1, 10);
  });

  it("gives r2 well below 1 for quadratic growth", () => {
    const points = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((x) => [x, x ** 4] as const);
    const f = linearFit(points);
    expect(f.r2).toBeLessThan(0.9);
    expect(f.slope).toBeGreaterThan(0);
  });

  it("has slope 0 and r2 1 for a constant series", () => {
    expect(linearFit([
      [1, 5],
      [2, 5],
    ])).toEqual({ intercept: 5, slope: 0, r2: 1 });
  });
});

describe("renderSvg", () => {
  it("draws one path and one legend entry per series, escaping labels", () => {
    const svg = renderSvg([
      {
        title: "t <1>",
        xLabel: "N",
        yLabel: "s",
        series: [
          { label: "a & b", color: "#f00", points: [[1, 1], [2, 4]] },
          { label: "c", color: "#00f", points: [[1, 2], [2, 3]] },
        ],
      },
    ]);
    expect(svg.startsWith("<svg")).toBe(true);
    expect(svg.match(/<path /g)).toHaveLength(2);
    expect(svg).toContain("a &amp; b");
    expect(svg).toContain("t &lt;1>");
    expect(svg).not.toContain("NaN");
  });
});

describe("originOf", () => {
  it.each([
    ["file:///work/main/packages/proxmox/dist/index.cjs", "f", "hearth"],
    ["file:///work/main/node_modules/@pulumi/pulumi/runtime/resource.js", "f", "pulumi-sdk"],
    ["file:///work/main/node_modules/@pulumi/pulumi/proto/resource_pb.js", "f", "protobuf"],
    ["file:///work/main/node_modules/@muhlba91/pulumi-proxmoxve/vmLegacy.js", "f", "provider-sdk"],
    ["node:internal/url", "f", "node"],
    ["", "(garbage collector)", "gc"],
  ])("%s is %s", (url, fn, origin) => {
    expect(originOf(url, fn)).toBe(origin);
  });
});

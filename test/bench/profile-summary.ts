/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): the top functions by self time and
 * self time grouped by origin (our packages, the Pulumi SDK, the provider SDK, gRPC/protobuf,
 * Node internals, GC).
 *
 *   npx tsx test/bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from "node:fs";

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileSummary {
  readonly totalMs: number;
  readonly byOrigin: ReadonlyArray<{ origin: string; selfMs: number; share: number }>;
  readonly topFunctions: ReadonlyArray<{ fn: string; origin: string; selfMs: number; share: number }>;
}

/** Which part of the stack a script URL belongs to. */
export function originOf(url: string, functionName: string): string {
  if (functionName === "(garbage collector)") return "gc";
  if (functionName === "(idle)" || functionName === "(program)") return functionName.slice(1, -1);
  if (/packages\/[a-z]+\/(dist|src)\//.test(url)) return "hearth";
  if (url.includes("node_modules/@pulumi/pulumi/")) {
    if (/\/proto\/|google-protobuf/.test(url)) return "protobuf";
    return "pulumi-sdk";
  }
  if (url.includes("node_modules/@muhlba91/pulumi-proxmoxve/")) return "provider-sdk";
  if (url.includes("node_modules/@grpc/") || url.includes("node_modules/google-protobuf/")) return "grpc/protobuf";
  if (url.includes("node_modules/tsx/") || url.includes("node_modules/esbuild/")) return "tsx";
  if (url.includes("node_modules/")) return url.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, "$1");
  if (url.startsWith("node:") || url === "") return "node";
  if (url.includes("/test/bench/")) return "bench program";
  return "other";
}

export function summarize(profile: Profile, top = 25): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const totalMs = [...self.values()].reduce((a, b) => a + b, 0);
  const origins = new Map<string, number>();
  const fns = new Map<string, { origin: string; selfMs: number }>();
  for (const [id, ms] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const origin = originOf(url, functionName);
    origins.set(origin, (origins.get(origin) ?? 0) + ms);
    const key = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/\/work\/main\//, "")}:${lineNumber + 1}`;
    const entry = fns.get(key) ?? { origin, selfMs: 0 };
    entry.selfMs += ms;
    fns.set(key, entry);
  }
  const share = (ms: number) => Math.round((ms / totalMs) * 1000) / 10;
  return {
    totalMs: Math.round(totalMs),
    byOrigin: [...origins].sort((a, b) => b[1] - a[1]).map(([origin, ms]) => ({ origin, selfMs: Math.round(ms), share: share(ms) })),
    topFunctions: [...fns]
      .sort((a, b) => b[1].selfMs - a[1].selfMs)
      .slice(0, top)
      .map(([fn, e]) => ({ fn, origin: e.origin, selfMs: Math.round(e.selfMs), share: share(e.selfMs) })),
  };
}

if (process.argv[1]?.endsWith("profile-summary.ts")) {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: profile-summary.ts <file.cpuprofile> [top]");
    process.exit(2);
  }
  const s = summarize(JSON.parse(readFileSync(file, "utf8")) as Profile, Number(process.argv[3] ?? 25));
  console.log(`total sampled: ${s.totalMs} ms`);
  console.log("self time by origin:");
  for (const o of s.byOrigin) console.log(`  ${o.origin.padEnd(16)} ${String(o.selfMs).padStart(7)} ms  ${o.share}%`);
  console.log("top functions by self time:");
  for (const f of s.topFunctions) console.log(`  ${String(f.selfMs).padStart(7)} ms  ${String(f.share).padStart(5)}%  [${f.origin}] ${f.fn}`);
}

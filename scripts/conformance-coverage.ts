/**
 * Sum up the conformance coverage of test runs: every sandbox started with
 * HEARTH_CONFORMANCE_LOG=<file> appends one JSON line at stop (exchanges, refusals, violations,
 * the `METHOD template` pairs it exercised). This prints the distinct pairs per API against
 * what each official document describes (docs/sandbox.md, Conformance).
 *
 *   HEARTH_CONFORMANCE_LOG=/tmp/conf.jsonl npx vitest run ...
 *   npx tsx scripts/conformance-coverage.ts /tmp/conf.jsonl [--list]
 */
import { readFileSync } from "node:fs";
import { ConformanceChecker, findSpecsDir, loadSpecs } from "@hearth/sandbox";

type Api = "proxmox" | "hcloud" | "digitalocean";
interface Line {
  exchanges: number;
  refused: number;
  violations: number;
  coverage: Record<Api, string[]>;
}

const [file, flag] = process.argv.slice(2);
if (!file) throw new Error("usage: tsx scripts/conformance-coverage.ts <HEARTH_CONFORMANCE_LOG file> [--list]");
const lines = readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);
const pairs: Record<Api, Set<string>> = { proxmox: new Set(), hcloud: new Set(), digitalocean: new Set() };
for (const l of lines) for (const api of Object.keys(pairs) as Api[]) for (const p of l.coverage[api]) pairs[api].add(p);
const dir = findSpecsDir();
const documented = dir ? new ConformanceChecker(loadSpecs(dir)).documented : undefined;
const sum = (k: "exchanges" | "refused" | "violations"): number => lines.reduce((n, l) => n + l[k], 0);
console.log(`${lines.length} sandboxes, ${sum("exchanges")} exchanges checked, ${sum("refused")} refused as the real API would, ${sum("violations")} violations`);
for (const api of Object.keys(pairs) as Api[]) {
  console.log(`${api}: ${pairs[api].size} distinct (method, path) pairs exercised and checked${documented ? ` of ${documented[api]} documented` : ""}`);
  if (flag === "--list") for (const p of [...pairs[api]].sort()) console.log(`  ${p}`);
}

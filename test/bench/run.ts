/**
 * Hearth's benchmarks (`npm run bench`; build first with `npm run build`):
 *
 *   npx tsx test/bench/run.ts                      # everything, full size
 *   npx tsx test/bench/run.ts --quick              # small sizes, fewer repetitions (smoke run)
 *   npx tsx test/bench/run.ts --only overhead,catalog
 *   npm run bench -- clones                        # one part (positional part names = --only)
 *   npx tsx test/bench/run.ts --no-profile         # skip the CPU profiles of the overhead programs
 *   npx tsx test/bench/run.ts --only overhead --reps 3,3,1   # fewer repetitions at N = 100, 1000, 3000
 *
 * Parts: overhead (component vs raw programs under Pulumi mocks, one fresh process per
 * measurement), catalog (sign/verify), preview and clones (real engine against the sandbox;
 * clones: see clones.ts). Writes test/bench/results.json, test/bench/overhead.svg and
 * test/bench/clones.svg (a --quick run writes to test/bench/out/ instead, so it never replaces
 * the published figures).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { clonesBench, clonesModel, type ClonesResult } from "./clones.js";
import { engineVersion, previewBench, probeEngine } from "./engine.js";
import { renderSvg, type Chart } from "./plot.js";
import { summarize, type ProfileSummary } from "./profile-summary.js";
import { linearFit, median, medianSample, ratio, round, type Sample } from "./stats.js";
import { programKinds, type ProgramKind } from "./programs.js";

const root = resolve(__dirname, "../..");
const benchDir = join(root, "test/bench");
const parts = ["overhead", "catalog", "preview", "clones"] as const;
type Part = (typeof parts)[number];

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const profile = !argv.includes("--no-profile");
const onlyArg = argv.find((a, i) => argv[i - 1] === "--only" || a.startsWith("--only="));
const positional = argv.filter((a, i) => !a.startsWith("--") && argv[i - 1] !== "--only" && argv[i - 1] !== "--reps") as Part[];
const only = new Set<Part>((onlyArg?.replace(/^--only=/, "").split(",") as Part[] | undefined) ?? (positional.length > 0 ? positional : parts));
for (const p of only) if (!parts.includes(p)) throw new Error(`unknown part ${p}; use ${parts.join(",")}`);

const outDir = quick ? join(benchDir, "out") : benchDir;
const log = (s: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${s}`);
const workerEnv = { ...process.env, TSX_TSCONFIG_PATH: join(benchDir, "tsconfig.bench.json") };

interface WorkerSample extends Sample {
  readonly kind: ProgramKind;
  readonly n: number;
  readonly heapUsedMb: number;
  readonly constructedMs: number;
  readonly resources: { custom: number; component: number };
}

function worker(script: string, args: readonly string[], nodeArgs: readonly string[] = []): string {
  const r = spawnSync(process.execPath, [...nodeArgs, "--import", "tsx", join(benchDir, script), ...args], {
    cwd: root,
    env: workerEnv,
    encoding: "utf8",
    maxBuffer: 64 * 2 ** 20,
  });
  if (r.status !== 0) throw new Error(`${script} ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return r.stdout.trim().split("\n").pop()!;
}

function versionOf(pkg: string): string {
  return (JSON.parse(readFileSync(join(root, "node_modules", pkg, "package.json"), "utf8")) as { version: string }).version;
}

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? "unknown",
    memoryGb: round(os.totalmem() / 2 ** 30, 1),
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadavgAtStart: os.loadavg().map((l) => round(l, 2)),
  };
}

function versions() {
  let commit = "unknown";
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    /* not a git checkout */
  }
  return {
    commit,
    "@pulumi/pulumi": versionOf("@pulumi/pulumi"),
    "@muhlba91/pulumi-proxmoxve": versionOf("@muhlba91/pulumi-proxmoxve"),
    "@hearth/proxmox": versionOf("@hearth/proxmox"),
    "@hearth/catalog": versionOf("@hearth/catalog"),
    tsx: versionOf("tsx"),
  };
}

type Medians = ReturnType<typeof medianSample> & { heapUsedMb: number; resources: { custom: number; component: number } };
type Ratios = { timeRatio: number; cpuRatio: number; rssRatio: number };

interface OverheadRow extends Ratios {
  readonly n: number;
  readonly component: Medians;
  readonly raw: Medians;
  readonly bare: Medians;
  readonly sdkComponentLayer: Ratios;
  readonly hearthOverBare: Ratios;
}

async function overhead() {
  // `--reps 3,3,1` overrides the repetitions at N = 100, 1000, 3000 (a shorter full-size run).
  const repsArg = argv.find((a, i) => argv[i - 1] === "--reps")?.split(",").map(Number);
  const plan: ReadonlyArray<readonly [number, number]> = quick
    ? [
        [50, 2],
        [200, 2],
      ]
    : [
        [100, repsArg?.[0] ?? 5],
        [1000, repsArg?.[1] ?? 5],
        [3000, repsArg?.[2] ?? 3],
      ];
  const rows: OverheadRow[] = [];
  for (const [n, reps] of plan) {
    const samples: Record<ProgramKind, WorkerSample[]> = { component: [], raw: [], bare: [] };
    for (let rep = 0; rep < reps; rep++) {
      // Alternate, rotating the order so no kind always runs first after a pause.
      const order = programKinds.map((_, i) => programKinds[(i + rep) % programKinds.length]!);
      for (const kind of order) {
        const s = JSON.parse(worker("overhead-worker.ts", [kind, String(n)])) as WorkerSample;
        samples[kind].push(s);
        log(`overhead ${kind} n=${n} rep ${rep + 1}/${reps}: ${Math.round(s.wallMs)} ms wall, ${Math.round(s.cpuMs)} ms cpu, ${Math.round(s.peakRssMb)} MB`);
      }
    }
    const med = Object.fromEntries(
      programKinds.map((k) => [
        k,
        {
          ...medianSample(samples[k]),
          heapUsedMb: round(median(samples[k].map((s) => s.heapUsedMb))),
          resources: samples[k][0]!.resources,
        },
      ]),
    ) as Record<ProgramKind, Medians>;
    rows.push({
      n,
      timeRatio: ratio(med.component.wallMs, med.raw.wallMs),
      cpuRatio: ratio(med.component.cpuMs, med.raw.cpuMs),
      rssRatio: ratio(med.component.peakRssMb, med.raw.peakRssMb),
      component: med.component,
      raw: med.raw,
      bare: med.bare,
      // The Pulumi SDK's own cost of one ComponentResource per VM (bare/raw) and what Hearth's code adds on top (component/bare).
      sdkComponentLayer: { timeRatio: ratio(med.bare.wallMs, med.raw.wallMs), cpuRatio: ratio(med.bare.cpuMs, med.raw.cpuMs), rssRatio: ratio(med.bare.peakRssMb, med.raw.peakRssMb) },
      hearthOverBare: { timeRatio: ratio(med.component.wallMs, med.bare.wallMs), cpuRatio: ratio(med.component.cpuMs, med.bare.cpuMs), rssRatio: ratio(med.component.peakRssMb, med.bare.peakRssMb) },
    });
  }
  const growth = Object.fromEntries(
    programKinds.map((k) => {
      const fit = (metric: "wallMs" | "cpuMs" | "peakRssMb") => {
        const f = linearFit(rows.map((r) => [r.n, r[k][metric]] as const));
        return { slopePerVm: round(f.slope, 4), intercept: round(f.intercept, 1), r2: round(f.r2, 4) };
      };
      return [k, { wallMs: fit("wallMs"), cpuMs: fit("cpuMs"), peakRssMb: fit("peakRssMb") }];
    }),
  );
  return { rows, growth };
}

function profiles(n: number): Record<string, ProfileSummary> {
  const dir = join(benchDir, "out/profiles");
  const out: Record<string, ProfileSummary> = {};
  for (const kind of programKinds) {
    const kindDir = join(dir, kind);
    rmSync(kindDir, { recursive: true, force: true });
    worker("overhead-worker.ts", [kind, String(n)], ["--cpu-prof", `--cpu-prof-dir=${kindDir}`]);
    // The main thread's profile is the largest (tsx's loader thread writes a small one too).
    const files = readdirSync(kindDir).map((f) => join(kindDir, f));
    const main = files.sort((a, b) => readFileSync(b).length - readFileSync(a).length)[0]!;
    out[kind] = summarize(JSON.parse(readFileSync(main, "utf8")), 15);
    log(`profile ${kind} n=${n}: ${out[kind]!.totalMs} ms sampled, written to ${main}`);
  }
  return out;
}

function chart(rows: Awaited<ReturnType<typeof overhead>>["rows"]): string {
  const series = (metric: "wallMs" | "peakRssMb", scale: number) =>
    (
      [
        ["component", "Hearth components", "#d9480f"],
        ["raw", "raw provider resources", "#1c7ed6"],
        ["bare", "raw inside bare ComponentResources", "#868e96"],
      ] as const
    ).map(([k, label, color]) => ({ label, color, points: rows.map((r) => [r.n, r[k][metric] / scale] as const) }));
  const charts: Chart[] = [
    { title: "Program time (mocks, median)", xLabel: "VMs (N)", yLabel: "wall time (s)", series: series("wallMs", 1000) },
    { title: "Peak memory (median)", xLabel: "VMs (N)", yLabel: "peak RSS (MB)", series: series("peakRssMb", 1) },
  ];
  return renderSvg(charts);
}

function clonesChart(c: ClonesResult): string {
  const reps = (k: "hearth" | "serial" | "raw") => c[k].samples.map((sample, i) => [i + 1, sample.wallMs / 1000] as const);
  const series = [
    { label: `Hearth default (median ${(c.hearth.wallMs / 1000).toFixed(1)} s, ${c.hearth.failures} failed)`, color: "#d9480f", points: reps("hearth") },
    { label: `raw VmLegacy (median ${(c.raw.wallMs / 1000).toFixed(1)} s, ${c.raw.failures} failed)`, color: "#1c7ed6", points: reps("raw") },
    { label: `old serial chain (median ${(c.serial.wallMs / 1000).toFixed(1)} s)`, color: "#868e96", points: reps("serial") },
    { label: `lower bound ${(c.lowerBoundMs / 1000).toFixed(1)} s`, color: "#2b8a3e", points: reps("hearth").map(([x]) => [x, c.lowerBoundMs / 1000] as const) },
  ];
  return renderSvg([{ title: `pulumi up of ${c.vms} clones, one template`, xLabel: "repetition", yLabel: "wall time (s)", series }]);
}

function markdown(results: Record<string, unknown>): string {
  const o = results.overhead === undefined ? undefined : { rows: results.overhead as OverheadRow[] };
  const lines: string[] = [];
  if (o) {
    lines.push("| N | component wall / CPU / RSS | raw wall / CPU / RSS | bare wall / CPU / RSS | time ratio | CPU ratio | RSS ratio |", "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    const f = (s: { wallMs: number; cpuMs: number; peakRssMb: number }) => `${(s.wallMs / 1000).toFixed(2)} s / ${(s.cpuMs / 1000).toFixed(2)} s / ${Math.round(s.peakRssMb)} MB`;
    for (const r of o.rows) lines.push(`| ${r.n} | ${f(r.component)} | ${f(r.raw)} | ${f(r.bare)} | ${r.timeRatio} | ${r.cpuRatio} | ${r.rssRatio} |`);
  }
  return lines.join("\n");
}

async function main(): Promise<void> {
  const results: Record<string, unknown> = { date: new Date().toISOString(), quick, machine: machine(), versions: versions() };
  log(`machine: ${JSON.stringify(results.machine)}`);

  if (only.has("overhead")) {
    const o = await overhead();
    results.overhead = o.rows;
    results.overheadGrowth = o.growth;
    writeFileSync(join(outDir, "overhead.svg"), chart(o.rows));
    if (profile) results.overheadProfile = { n: quick ? 200 : 1000, byKind: profiles(quick ? 200 : 1000) };
  }
  if (only.has("catalog")) {
    results.catalog = (JSON.parse(worker("catalog-worker.ts", [quick ? "10,100" : "10,100,1000"])) as { results: unknown }).results;
  }
  if (only.has("preview") || only.has("clones")) {
    const version = await engineVersion();
    (results.versions as Record<string, string>).pulumiCli = version.ok ? version.version : `unavailable: ${version.reason}`;
    log("engine probe: pulumi up of one VmFromTemplate against the sandbox");
    const reason = await probeEngine();
    if (reason) log(`engine benchmarks not run: ${reason}`);
    if (only.has("preview")) {
      results.preview = reason
        ? { measured: false, note: `not measured yet: ${reason}` }
        : { measured: true, results: await previewBench(quick ? [10] : [50, 200], quick ? 1 : 3, log) };
    }
    if (only.has("clones")) {
      if (reason) {
        results.clones = { measured: false, note: `not measured yet: ${reason}` };
      } else {
        const clones = await clonesBench(
          quick
            ? { vms: 6, reps: 1, twoStacksPerStack: 3, twoStacksReps: 1, model: clonesModel, sweep: false }
            : { vms: 20, reps: 3, twoStacksPerStack: 10, twoStacksReps: 3, model: clonesModel, sweep: true },
          log,
        );
        results.clones = { measured: true, ...clones };
        writeFileSync(join(outDir, "clones.svg"), clonesChart(clones));
      }
    }
  }
  (results.machine as Record<string, unknown>).loadavgAtEnd = os.loadavg().map((l) => round(l, 2));

  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, "results.json");
  // A partial run (--only) keeps the other parts of an earlier results.json.
  let previous: Record<string, unknown> = {};
  if (only.size < parts.length) {
    try {
      previous = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch {
      previous = {};
    }
  }
  const merged = { ...previous, ...results };
  // The clone benchmark of the invented template-lock model, which "clones" replaced.
  if (only.has("clones")) delete merged.clone;
  writeFileSync(file, JSON.stringify(merged, null, 2) + "\n");
  writeFileSync(join(benchDir, "out/summary.md"), markdown(results) + "\n");
  log(`wrote ${file}`);
  console.log(markdown(results));
}

mkdirSync(join(benchDir, "out"), { recursive: true });
main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

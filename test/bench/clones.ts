/**
 * The clone benchmark (`npm run bench -- clones`): real `pulumi up` of N VMs cloned from one
 * template, against the sandbox's Proxmox with its lock model and physics timings, for three
 * programs (clones-program.ts: Hearth's default, Hearth's old serial chain, raw VmLegacy),
 * alternating, each run on a fresh sandbox; then two stacks applying at the same time against
 * one sandbox (ids). Pure helpers (failures, collisions, the model's lower bound) are exported
 * for clones.test.ts.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { firstError, run, type RunResult } from "./engine.js";
import { median, round } from "./stats.js";

const root = resolve(__dirname, "../..");
const outDir = join(root, "test/bench/out/clones");
const pulumiSh = join(root, "scripts/pulumi.sh");

export type ClonesKind = "hearth" | "serial" | "raw";
export const clonesKinds: readonly ClonesKind[] = ["hearth", "serial", "raw"];

/**
 * The physics the sandbox is started with (its Proxmox timing options) and what the lower bound
 * is computed from, in the sandbox's units: disk sizes in GiB, bandwidth in MiB/s, durations in
 * real-world ms (the sandbox runs them `timeScale` times as long).
 */
export interface ClonesModel {
  /** The template's boot disk, copied by every full clone. */
  readonly diskGb: number;
  /** Copy bandwidth of the target storage, shared by the copies running at once. */
  readonly bandwidthMiBps: number;
  /** Time under the storage lock per volume allocation. */
  readonly allocMs: number;
  /** Volumes allocated per VM under the storage lock (disk + cloud-init drive). */
  readonly allocsPerVm: number;
  /** Duration of each of the other tasks on one VM's path after its copy (resize, start). */
  readonly taskMs: number;
  /** How many such tasks one VM runs after its clone. */
  readonly tasksPerVm: number;
  /** Guest boot time after start, until the agent answers (0 where the sandbox does not model it). */
  readonly bootMs: number;
  /** The sandbox's Proxmox options that set these (spread into startSandbox's `proxmox`). */
  readonly sandbox: Record<string, unknown>;
}

/**
 * The lower bound of `pulumi up` of `vms` clones onto one storage, from the model alone:
 * every byte crosses the storage's shared bandwidth once, and after the last copy at least one
 * VM still has the rest of its own critical path (its allocations, its tasks and its boot):
 *
 *   lowerBound = (vms x diskBytes / bandwidth + allocsPerVm x allocMs + tasksPerVm x taskMs + bootMs) x timeScale
 *
 * It leaves out what no model of Proxmox can remove: the engine's and the provider's own time
 * (start-up, 1 s task polling), so real runs sit above it by that constant.
 */
export function lowerBoundMs(model: ClonesModel, vms: number): number {
  const copyMs = ((vms * model.diskGb * GiB) / (model.bandwidthMiBps * MiB)) * 1000;
  const timeScale = typeof model.sandbox.timeScale === "number" ? model.sandbox.timeScale : 1;
  return round((copyMs + model.allocsPerVm * model.allocMs + model.tasksPerVm * model.taskMs + model.bootMs) * timeScale, 0);
}

const MiB = 1024 ** 2;
const GiB = 1024 ** 3;

export interface Failure {
  /** The resource whose create failed. */
  readonly resource: string;
  /** The engine's error text for it, UPIDs shortened. */
  readonly message: string;
}

/**
 * The failed creates in `pulumi up`'s output: one per resource the engine reports as failed
 * (`**creating failed**`, or an error under its name in the Diagnostics section), with the
 * provider's message (not the "1 error occurred:" wrapper).
 */
export function failuresOf(output: string): Failure[] {
  const messages = new Map<string, string>();
  const failed = new Set<string>();
  const note = (resource: string, text: string) => {
    const message = text.replace(/^error:\s*/, "").replace(/^\*\s*/, "").trim();
    if (message !== "" && !/^\d+ errors? occurred:?$/.test(message) && !messages.has(resource)) messages.set(resource, shorten(message));
  };
  let diagnosticsOf: string | undefined;
  for (const raw of output.split("\n")) {
    const line = raw.trim();
    const progress = /^[+~-]?\s*[\w-]+:[\w/-]+:\w+\s+(\S+)\s+(creating|\*\*creating failed[^*]*\*\*)(.*)$/.exec(line);
    if (progress) {
      // Only provider resources: the stack and the components report the failure of their children.
      if (/^(pulumi:pulumi:|hearth:)/.test(line.replace(/^[+~-]?\s*/, ""))) continue;
      const resource = progress[1]!;
      if (progress[2] !== "creating") failed.add(resource);
      const err = /error:\s*(.*)$/.exec(progress[3]!)?.[1];
      if (err) note(resource, err);
      continue;
    }
    const header = /^([\w-]+:[\w/-]+:\w+) \((.+)\):$/.exec(line);
    if (header) {
      diagnosticsOf = /^(pulumi:pulumi:|hearth:)/.test(header[1]!) ? undefined : header[2];
      continue;
    }
    if (diagnosticsOf !== undefined && line !== "") {
      if (/^error:/.test(line)) failed.add(diagnosticsOf);
      if (failed.has(diagnosticsOf)) note(diagnosticsOf, line);
    }
  }
  return [...failed].sort().map((resource) => ({ resource, message: messages.get(resource) ?? "(no message printed)" }));
}

function shorten(message: string): string {
  return message
    .replace(/UPID:[^"\s]+/g, "UPID:…")
    .replace(/sdk-v2\/provider2\.go:\d+:\s*sdk\.helper_schema:\s*/, "")
    .slice(0, 300);
}

/** Distinct failure messages with how often each occurred, most frequent first. */
export function messageCounts(failures: readonly Failure[]): Array<{ message: string; count: number }> {
  const counts = new Map<string, number>();
  for (const f of failures) {
    const key = f.message.replace(/\b\d{3,}\b/g, "<n>");
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([message, count]) => ({ message, count })).sort((a, b) => b.count - a.count || a.message.localeCompare(b.message));
}

/** A failure caused by a new VM's id: the target's config lock, or its config already existing. */
export function isIdFailure(message: string): boolean {
  return /lock-\d+\.conf' - got timeout|config file already exists|VM \d+ already exists/.test(message) && !/lock-9000\.conf/.test(message);
}

/** Ids both stacks claim, plus creates that failed because of a new VM's id. */
export function collisionsOf(idsA: readonly number[], idsB: readonly number[], failures: readonly Failure[]): { sharedIds: number[]; idFailures: number; collisions: number } {
  const b = new Set(idsB);
  const sharedIds = [...new Set(idsA)].filter((id) => b.has(id)).sort((x, y) => x - y);
  const idFailures = failures.filter((f) => isIdFailure(f.message)).length;
  return { sharedIds, idFailures, collisions: sharedIds.length + idFailures };
}

interface Project {
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
}

/** A throwaway project and stack, with its own state and its own temp dir (a machine of its own). */
async function project(tag: string, programEnv: Record<string, string>, sandboxEnv: Record<string, string>): Promise<Project> {
  const dir = join(outDir, tag);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "state"), { recursive: true });
  mkdirSync(join(dir, "tmp"), { recursive: true });
  writeFileSync(join(dir, "index.js"), `require("tsx/cjs");\nmodule.exports = require(${JSON.stringify(join(root, "test/bench/clones-program.ts"))});\n`);
  writeFileSync(join(dir, "Pulumi.yaml"), [`name: hearth-clones-${tag}`, "runtime:", "  name: nodejs", "  options:", "    typescript: false", "main: index.js", ""].join("\n"));
  const env: NodeJS.ProcessEnv = {
    ...sandboxEnv,
    ...programEnv,
    TSX_TSCONFIG_PATH: join(root, "test/bench/tsconfig.bench.json"),
    PULUMI_BACKEND_URL: `file://${join(dir, "state")}`,
    // The provider keeps its id lock and sequence file in the temp dir (bpg proxmox/cluster/id_generator.go):
    // a temp dir per project is a machine per project, as two CI runners are.
    TMPDIR: join(dir, "tmp"),
  };
  const init = await run("bash", [pulumiSh, "stack", "init", "bench", "--non-interactive"], env, dir);
  if (init.code !== 0) throw new Error(`stack init failed: ${firstError(init)}`);
  return { dir, env };
}

/** `pulumi up`; its output is kept in the project dir (`up.log`) for reading failures afterwards. */
async function up(p: Project, parallel?: number): Promise<RunResult> {
  const extra = parallel === undefined ? [] : ["--parallel", String(parallel)];
  const r = await run("bash", [pulumiSh, "up", "--yes", "--skip-preview", "--non-interactive", "-s", "bench", ...extra], p.env, p.dir, 20 * 60_000);
  writeFileSync(join(p.dir, "up.log"), `${r.stdout}\n${r.stderr}`);
  return r;
}

async function outputIds(p: Project): Promise<number[]> {
  const r = await run("bash", [pulumiSh, "stack", "output", "ids", "--json", "-s", "bench"], p.env, p.dir);
  if (r.code !== 0) return [];
  try {
    return (JSON.parse(r.stdout) as unknown[]).filter((x): x is number => typeof x === "number");
  } catch {
    return [];
  }
}

interface SandboxHandle {
  env(): Record<string, string>;
  stop(): Promise<void>;
}

async function sandbox(model: Pick<ClonesModel, "diskGb" | "sandbox">): Promise<SandboxHandle> {
  const { startSandbox } = await import("@hearth/sandbox");
  return startSandbox({ proxmox: { nodes: ["pve"], templates: [{ vmid: 9000, node: "pve", diskGb: model.diskGb }], ...model.sandbox } } as never);
}

export interface RunOutcome {
  readonly kind: ClonesKind;
  readonly wallMs: number;
  readonly exitCode: number | null;
  readonly failures: readonly Failure[];
}

/** One `pulumi up` of one kind on a fresh sandbox. */
async function once(kind: ClonesKind, vms: number, model: ClonesModel, tag: string): Promise<RunOutcome> {
  const sb = await sandbox(model);
  try {
    const p = await project(tag, { CLONES_KIND: kind, CLONES_N: String(vms) }, sb.env());
    const r = await up(p);
    return { kind, wallMs: round(r.wallMs), exitCode: r.code, failures: failuresOf(`${r.stdout}\n${r.stderr}`) };
  } finally {
    await sb.stop();
  }
}

export interface TwoStacksOutcome {
  readonly wallMs: number;
  readonly failures: number;
  readonly sharedIds: number[];
  readonly idFailures: number;
  readonly collisions: number;
  readonly messages: Array<{ message: string; count: number }>;
}

/**
 * Two stacks of `perStack` VMs each, `pulumi up` started at the same time against one sandbox,
 * each in its own temp dir (two machines). Hearth's stacks get disjoint vmIdRange blocks.
 */
async function twoStacksOnce(kind: "hearth" | "raw", perStack: number, model: ClonesModel, rep: number): Promise<TwoStacksOutcome> {
  const sb = await sandbox(model);
  try {
    const ranges = kind === "hearth" ? [{ CLONES_VMID_FROM: "20000", CLONES_VMID_TO: "20999" }, { CLONES_VMID_FROM: "21000", CLONES_VMID_TO: "21999" }] : [{}, {}];
    const projects = await Promise.all(
      (["a", "b"] as const).map((s, i) => project(`two-${kind}-${s}-${rep}`, { CLONES_KIND: kind, CLONES_N: String(perStack), CLONES_PREFIX: `${s}`, ...ranges[i] }, sb.env())),
    );
    const t0 = performance.now();
    const results = await Promise.all(projects.map(up));
    const wallMs = performance.now() - t0;
    const failures = results.flatMap((r) => failuresOf(`${r.stdout}\n${r.stderr}`));
    const [idsA, idsB] = await Promise.all(projects.map(outputIds));
    const c = collisionsOf(idsA!, idsB!, failures);
    return { wallMs: round(wallMs), failures: failures.length, ...c, messages: messageCounts(failures) };
  } finally {
    await sb.stop();
  }
}

export interface SweepPoint {
  readonly storage: string;
  readonly clonesPerStorage: number | "unbounded";
  readonly wallMs: number;
  readonly failures: number;
  readonly messages: Array<{ message: string; count: number }>;
}

/**
 * How the bound plays out when the engine does not cap it (`--parallel 64`): Hearth's program
 * with each `clonesPerStorage`, on the default storage and on a slow one. What the default is
 * chosen from (docs/performance.md).
 */
async function boundSweep(vms: number, storages: Record<string, Pick<ClonesModel, "diskGb" | "sandbox">>, bounds: ReadonlyArray<number | "unbounded">, log: (s: string) => void): Promise<SweepPoint[]> {
  const points: SweepPoint[] = [];
  for (const [storage, model] of Object.entries(storages)) {
    for (const bound of bounds) {
      const sb = await sandbox(model);
      try {
        const p = await project(`sweep-${storage}-${bound}`, { CLONES_KIND: "hearth", CLONES_N: String(vms), CLONES_BOUND: String(bound) }, sb.env());
        const r = await up(p, 64);
        const failures = failuresOf(`${r.stdout}\n${r.stderr}`);
        points.push({ storage, clonesPerStorage: bound, wallMs: round(r.wallMs), failures: failures.length, messages: messageCounts(failures) });
        log(`clones sweep ${storage} clonesPerStorage=${bound}: ${Math.round(r.wallMs)} ms, ${failures.length} failed${failures[0] ? `: ${failures[0].message.slice(0, 120)}` : ""}`);
      } finally {
        await sb.stop();
      }
    }
  }
  return points;
}

export interface KindSummary {
  readonly wallMs: number;
  readonly failures: number;
  readonly runs: number;
  /** Runs in which at least one VM failed. */
  readonly failedRuns: number;
  readonly overLowerBound: number;
  readonly samples: ReadonlyArray<{ wallMs: number; failures: number; exitCode: number | null }>;
  readonly messages: Array<{ message: string; count: number }>;
}

export interface ClonesResult {
  readonly vms: number;
  readonly lowerBoundMs: number;
  readonly lowerBoundFormula: string;
  readonly model: Omit<ClonesModel, "sandbox"> & { sandbox: Record<string, unknown> };
  readonly engineParallel: string;
  readonly hearth: KindSummary;
  readonly serial: KindSummary;
  readonly raw: KindSummary;
  readonly hearthOverRaw: number;
  readonly twoStacks: { perStack: number; collisions: number; hearth: TwoStacksOutcome[]; raw: TwoStacksOutcome[] };
  readonly boundSweep: { vms: number; parallel: 64; storages: Record<string, unknown>; points: SweepPoint[] };
  readonly load: { before: number[]; after: number[] };
}

function summarize(outcomes: readonly RunOutcome[], lb: number): KindSummary {
  const wallMs = round(median(outcomes.map((o) => o.wallMs)));
  return {
    wallMs,
    failures: median(outcomes.map((o) => o.failures.length)),
    runs: outcomes.length,
    failedRuns: outcomes.filter((o) => o.failures.length > 0 || o.exitCode !== 0).length,
    overLowerBound: round(wallMs / lb),
    samples: outcomes.map((o) => ({ wallMs: o.wallMs, failures: o.failures.length, exitCode: o.exitCode })),
    messages: messageCounts(outcomes.flatMap((o) => o.failures)),
  };
}

export async function clonesBench(
  opts: { vms: number; reps: number; twoStacksPerStack: number; twoStacksReps: number; model: ClonesModel; sweep: boolean },
  log: (s: string) => void,
): Promise<ClonesResult> {
  const { vms, reps, model } = opts;
  const lb = lowerBoundMs(model, vms);
  const before = os.loadavg().map((l) => round(l, 2));
  const outcomes: Record<ClonesKind, RunOutcome[]> = { hearth: [], serial: [], raw: [] };
  for (let rep = 0; rep < reps; rep++) {
    // Alternate, rotating the order so no kind always runs first.
    const order = clonesKinds.map((_, i) => clonesKinds[(i + rep) % clonesKinds.length]!);
    for (const kind of order) {
      const o = await once(kind, vms, model, `${kind}-${rep}`);
      outcomes[kind].push(o);
      log(`clones ${kind} rep ${rep + 1}/${reps}: ${Math.round(o.wallMs)} ms, exit ${o.exitCode}, ${o.failures.length} failed${o.failures[0] ? `: ${o.failures[0].message.slice(0, 160)}` : ""} (load ${os.loadavg()[0]!.toFixed(2)})`);
    }
  }
  const two: Record<"hearth" | "raw", TwoStacksOutcome[]> = { hearth: [], raw: [] };
  for (let rep = 0; rep < opts.twoStacksReps; rep++) {
    for (const kind of rep % 2 ? (["raw", "hearth"] as const) : (["hearth", "raw"] as const)) {
      const o = await twoStacksOnce(kind, opts.twoStacksPerStack, model, rep);
      two[kind].push(o);
      log(`clones two stacks ${kind} rep ${rep + 1}: ${Math.round(o.wallMs)} ms, ${o.failures} failed, ${o.collisions} collisions (shared ids ${JSON.stringify(o.sharedIds)})`);
    }
  }
  const sweepStorages = {
    // The benchmark's storage with 2 GiB disks (the sweep is about the lock, not the copy).
    default: { diskGb: 2, sandbox: model.sandbox },
    // A storage whose allocations take 1.2 s under its lock (busy or network storage; an assumed figure).
    slow: { diskGb: 2, sandbox: { ...model.sandbox, allocateMs: 1200 } },
  };
  const sweep = opts.sweep ? await boundSweep(vms, sweepStorages, [2, 4, 8, 16, "unbounded"], log) : [];
  const hearth = summarize(outcomes.hearth, lb);
  const raw = summarize(outcomes.raw, lb);
  return {
    vms,
    lowerBoundMs: lb,
    lowerBoundFormula: "(vms x diskBytes / bandwidth + allocsPerVm x allocMs + tasksPerVm x taskMs + bootMs) x timeScale",
    model: { ...model },
    engineParallel: `pulumi up default: 4 x GOMAXPROCS = ${4 * os.cpus().length} on this machine (pkg/cmd/pulumi/operations/up.go defaultParallel)`,
    hearth,
    serial: summarize(outcomes.serial, lb),
    raw,
    hearthOverRaw: round(hearth.wallMs / raw.wallMs),
    twoStacks: { perStack: opts.twoStacksPerStack, collisions: median(two.hearth.map((o) => o.collisions)), hearth: two.hearth, raw: two.raw },
    boundSweep: { vms, parallel: 64, storages: sweepStorages, points: sweep },
    load: { before, after: os.loadavg().map((l) => round(l, 2)) },
  };
}

/**
 * The benchmark's host: the sandbox's default physics for an SSD-backed node (local-lvm copies
 * at 400 MiB/s, 300 ms per allocation, 1 s tasks, a 20 s boot before the guest agent answers;
 * packages/sandbox/src/proxmox/physics.ts), a 10 GiB template disk, run at timeScale 0.1 (every
 * real-world duration and Proxmox timeout takes a tenth as long, so one run takes about a minute;
 * the engine's and the provider's own time is not scaled). Per clone the sandbox allocates two
 * volumes (the disk and the cloud-init drive), and the VM then runs two tasks (resize, start).
 */
export const clonesModel: ClonesModel = {
  diskGb: 10,
  bandwidthMiBps: 400,
  allocMs: 300,
  allocsPerVm: 2,
  taskMs: 1000,
  tasksPerVm: 2,
  bootMs: 20_000,
  sandbox: { timeScale: 0.1, copyMiBps: { "local-lvm": 400 }, allocateMs: 300, taskMs: 1000, bootMs: 20_000 },
};

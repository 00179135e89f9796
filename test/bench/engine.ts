/**
 * The engine benchmarks: real `pulumi preview` (components vs raw), the probe, and the helpers
 * the clone benchmark (clones.ts) shares, with the pinned CLI (scripts/pulumi.sh) against the sandbox (@hearth/sandbox).
 *
 * Each program is a throwaway Pulumi project under test/bench/out/engine/ (gitignored) whose
 * entry registers tsx and loads engine-program.ts, with the bench tsconfig (so @hearth/* are the built packages), state in a local file backend there.
 * Before measuring, a probe (`pulumi up` of one component VM against a fresh sandbox) must
 * succeed; otherwise both parts report "not measured yet" with the engine's own error.
 */
import { spawn } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { median, round } from "./stats.js";

const root = resolve(__dirname, "../..");
const outDir = join(root, "test/bench/out/engine");

export interface RunResult {
  readonly code: number | null;
  readonly wallMs: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function run(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}, cwd = root, timeoutMs = 30 * 60_000): Promise<RunResult> {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      done({ code, wallMs: performance.now() - t0, stdout, stderr });
    });
  });
}

const pulumiSh = join(root, "scripts/pulumi.sh");

/** The CLI's version, or why it cannot run. */
export async function engineVersion(): Promise<{ ok: true; version: string } | { ok: false; reason: string }> {
  const r = await run("bash", [pulumiSh, "version"]);
  return r.code === 0 ? { ok: true, version: r.stdout.trim() } : { ok: false, reason: firstError(r) };
}

/** The most telling line of a failed command's output. */
export function firstError(r: Pick<RunResult, "stdout" | "stderr" | "code">): string {
  const lines = `${r.stdout}\n${r.stderr}`.split("\n").map((l) => l.trim());
  return (lines.find((l) => /^error:/i.test(l)) ?? lines.find((l) => /error|failed|not found/i.test(l)) ?? `exit code ${r.code}`).slice(0, 300);
}

type EngineKind = "component" | "raw";

/** A throwaway project and stack for one program. */
async function project(kind: EngineKind, n: number, sandboxEnv: Record<string, string>): Promise<{ dir: string; env: NodeJS.ProcessEnv }> {
  const dir = join(outDir, `${kind}-${n}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The language host loads TypeScript with its own vendored ts-node, which cannot resolve the
  // `.js` suffixes of NodeNext imports; a plain JS entry registers tsx and loads the program.
  writeFileSync(
    join(dir, "index.js"),
    `require("tsx/cjs");\nmodule.exports = require(${JSON.stringify(join(root, "test/bench/engine-program.ts"))});\n`,
  );
  writeFileSync(
    join(dir, "Pulumi.yaml"),
    [
      `name: hearth-bench-${kind}-${n}`,
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: false",
      "main: index.js",
      "",
    ].join("\n"),
  );
  const env: NodeJS.ProcessEnv = {
    ...sandboxEnv,
    BENCH_KIND: kind,
    BENCH_N: String(n),
    TSX_TSCONFIG_PATH: join(root, "test/bench/tsconfig.bench.json"),
    PULUMI_BACKEND_URL: `file://${join(outDir, "state")}`,
  };
  mkdirSync(join(outDir, "state"), { recursive: true });
  const init = await run("bash", [pulumiSh, "stack", "init", "bench", "--non-interactive"], env, dir);
  if (init.code !== 0 && !/already exists/.test(init.stderr)) throw new Error(`stack init failed: ${firstError(init)}`);
  return { dir, env };
}

async function removeStack(dir: string, env: NodeJS.ProcessEnv): Promise<void> {
  await run("bash", [pulumiSh, "stack", "rm", "bench", "--force", "--yes", "--non-interactive"], env, dir);
}

interface SandboxHandle {
  env(): Record<string, string>;
  inspect(): unknown;
  stop(): Promise<void>;
}

async function sandbox(): Promise<SandboxHandle> {
  const { startSandbox } = await import("@hearth/sandbox");
  return startSandbox({ proxmox: { nodes: ["pve"], templates: [{ vmid: 9000, node: "pve" }] } });
}

/**
 * The probe: `pulumi up` of one component VM against a fresh sandbox. Undefined when it works,
 * otherwise the reason the engine benchmarks cannot run.
 */
export async function probeEngine(): Promise<string | undefined> {
  const v = await engineVersion();
  if (!v.ok) return `the pulumi CLI does not run (bash scripts/pulumi.sh version: ${v.reason})`;
  let sb: SandboxHandle;
  try {
    sb = await sandbox();
  } catch (error) {
    return `the sandbox does not start: ${String(error).slice(0, 200)}`;
  }
  try {
    const { dir, env } = await project("component", 1, sb.env());
    const up = await run("bash", [pulumiSh, "up", "--yes", "--skip-preview", "--non-interactive", "-s", "bench"], env, dir, 10 * 60_000);
    if (up.code !== 0) {
      await run("bash", [pulumiSh, "cancel", "--yes", "-s", "bench"], env, dir);
      await removeStack(dir, env);
      return `a throwaway \`pulumi up\` of one VmFromTemplate against startSandbox() fails: ${firstError(up)}`;
    }
    await run("bash", [pulumiSh, "destroy", "--yes", "--non-interactive", "-s", "bench"], env, dir);
    await removeStack(dir, env);
    return undefined;
  } finally {
    await sb.stop();
  }
}

export interface PreviewResult {
  readonly n: number;
  readonly component: { wallMs: number; runs: number };
  readonly raw: { wallMs: number; runs: number };
  readonly timeRatio: number;
}

/** `pulumi preview` wall time of the component and raw programs at each N, alternating, medians. */
export async function previewBench(sizes: readonly number[], reps: number, log: (s: string) => void): Promise<PreviewResult[]> {
  const sb = await sandbox();
  try {
    const results: PreviewResult[] = [];
    for (const n of sizes) {
      const projects = { component: await project("component", n, sb.env()), raw: await project("raw", n, sb.env()) };
      const times: Record<"component" | "raw", number[]> = { component: [], raw: [] };
      for (let i = 0; i < reps; i++) {
        for (const kind of i % 2 ? (["raw", "component"] as const) : (["component", "raw"] as const)) {
          const { dir, env } = projects[kind];
          const r = await run("bash", [pulumiSh, "preview", "--non-interactive", "-s", "bench"], env, dir);
          if (r.code !== 0) throw new Error(`pulumi preview (${kind}, ${n}) failed: ${firstError(r)}`);
          times[kind].push(r.wallMs);
          log(`preview ${kind} n=${n} rep ${i + 1}: ${Math.round(r.wallMs)} ms`);
        }
      }
      for (const kind of ["component", "raw"] as const) await removeStack(projects[kind].dir, projects[kind].env);
      const c = median(times.component);
      const w = median(times.raw);
      results.push({ n, component: { wallMs: round(c), runs: reps }, raw: { wallMs: round(w), runs: reps }, timeRatio: round(c / w) });
    }
    return results;
  } finally {
    await sb.stop();
  }
}

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/lib/engine.js";

// scripts/toolchain.sh runs every long step (go build, go mod tidy, tfgen) through run_logged from
// scripts/lib/progress.sh, so a first build that takes minutes says what it is doing at least every
// 30 s instead of looking hung.

const lib = join(repoRoot, "scripts/lib/progress.sh");
let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function bash(script: string, env: Record<string, string> = {}): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; pid: number; kill: (s: NodeJS.Signals) => void } {
  // TMPDIR: the progress stamp file goes into the test's own directory, removed afterwards.
  const child = spawn("bash", ["-c", script], { env: { ...process.env, ...(dir ? { TMPDIR: dir } : {}), ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { done, pid: child.pid!, kill: (s) => child.kill(s) };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("toolchain progress (scripts/lib/progress.sh)", () => {
  it("reports every 20 s by default, well inside the 30 s a newcomer waits before thinking it hung", async () => {
    const r = await bash(`unset HEARTH_PROGRESS_SECONDS; . "${lib}"; echo "$HEARTH_PROGRESS_SECONDS"`).done;
    expect(Number(r.stdout.trim())).toBe(20);
    expect(readFileSync(join(repoRoot, "scripts/toolchain.sh"), "utf8")).toContain('. "$ROOT/scripts/lib/progress.sh"');
  });

  it("a long step prints what it builds, elapsed time and the log's last line while it runs", async () => {
    dir = mkdtempSync(join(tmpdir(), "hearth-progress-"));
    const log = join(dir, "build.log");
    const r = await bash(
      `set -euo pipefail; . "${lib}"; STEP="pulumi 3.259.0: go build ./cmd/pulumi"
       run_logged "${log}" bash -c 'for i in 1 2 3 4 5; do echo "github.com/pulumi/pulumi/pkg/v3/p$i"; sleep 1; done'
       echo finished`,
      { HEARTH_PROGRESS_SECONDS: "2" },
    ).done;
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    const progress = lines.filter((l) => l.startsWith("[toolchain] ... pulumi 3.259.0: go build ./cmd/pulumi: "));
    expect(progress.length, r.stdout).toBeGreaterThanOrEqual(2);
    for (const l of progress) expect(l).toMatch(/: \d+s so far \(total \d+s\); last: github\.com\/pulumi\/pulumi\/pkg\/v3\/p\d$/);
    expect(lines.at(-1)).toBe("finished");
    // The command's own output went to the log, not the terminal.
    expect(readFileSync(log, "utf8")).toContain("pkg/v3/p5");
  });

  it("the interval holds across consecutive short steps, in subshells as the toolchain runs them", async () => {
    dir = mkdtempSync(join(tmpdir(), "hearth-progress-"));
    const r = await bash(
      `. "${lib}"
       (STEP="copy"; run_logged "${join(dir, "a.log")}" sleep 3)
       (STEP="build"; run_logged "${join(dir, "b.log")}" sleep 3)`,
      { HEARTH_PROGRESS_SECONDS: "4" },
    ).done;
    expect(r.code, r.stderr).toBe(0);
    // Each step alone is shorter than the interval; together they are not, so the second one reports.
    expect(r.stdout).toMatch(/^\[toolchain\] \.\.\. build: \d+s so far \(total [4-6]s\)/m);
  });

  it("a failing step returns 1 and shows the log's tail", async () => {
    dir = mkdtempSync(join(tmpdir(), "hearth-progress-"));
    const r = await bash(`. "${lib}"; run_logged "${join(dir, "x.log")}" bash -c 'echo "cmd/pulumi: undefined: driver.DeleteOptions"; exit 7' || echo "rc=$?"`).done;
    expect(r.stdout.trim()).toBe("rc=1");
    expect(r.stderr).toContain("command failed: bash -c");
    expect(r.stderr).toContain("undefined: driver.DeleteOptions");
  });

  it("stopping the script stops the build it started", async () => {
    dir = mkdtempSync(join(tmpdir(), "hearth-progress-"));
    const pidFile = join(dir, "pid");
    const run = bash(`. "${lib}"; run_logged "${join(dir, "x.log")}" bash -c 'echo $$ > "${pidFile}"; exec sleep 60'`);
    let buildPid = 0;
    for (let i = 0; i < 50 && !buildPid; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        buildPid = Number(readFileSync(pidFile, "utf8").trim());
      } catch {
        /* not written yet */
      }
    }
    expect(alive(buildPid)).toBe(true);
    run.kill("SIGTERM");
    const r = await run.done;
    expect(r.code).toBe(143);
    for (let i = 0; i < 20 && alive(buildPid); i++) await new Promise((res) => setTimeout(res, 100));
    expect(alive(buildPid)).toBe(false);
  });
});

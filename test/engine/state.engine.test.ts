import { readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@hearth/sandbox";
import { EngineWorkspace, repoRoot, type RunResult } from "../../scripts/lib/engine.js";
import { sandboxStackConfig, type SandboxStack } from "../../scripts/lib/sandboxStacks.js";
import { startPostgres, type Postgres } from "../support/postgres.js";

// Team state: Pulumi's DIY backend on PostgreSQL (`pulumi login postgres://...`, pulumi/pulumi
// pkg/backend/diy/postgres in the CLI built here), with Debian's PostgreSQL server started by the
// test on loopback (test/support/postgres.ts, scripts/postgres.sh). docs/state.md describes it.

let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 120_000);
afterAll(async () => {
  await pg?.stop();
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The backend URL for one test: its own table, so tests never see each other's stacks. */
const pgUrl = (table: string): string => `${pg.url}&table=${table}`;

const check = (r: RunResult, what: string): string => {
  expect(r.code, `${what}\n${r.stdout.slice(-5000)}\n${r.stderr.slice(-3000)}`).toBe(0);
  return r.stdout + r.stderr;
};

async function sandbox(options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sb = await startSandbox(options);
  cleanups.push(() => sb.stop());
  return sb;
}

function workspace(ws: EngineWorkspace): EngineWorkspace {
  cleanups.push(() => ws.dispose());
  return ws;
}

/** A small hcloud program (test/e2e/programs/hcloud-servers.ts): a firewall and `count` servers. */
const cloudProgram = join(repoRoot, "test/e2e/programs/hcloud-servers.ts");
/** A workspace of that program; its `count` is set with `setConfig` once the stack exists. */
const cloudWorkspace = (stack: string) => EngineWorkspace.fromProgramFile(cloudProgram, stack);

/**
 * Keys the backend keeps in the table (stacks, locks, history, backups), without their prefix: for a
 * non-file URL the DIY backend prefixes every key with the URL's path (pulumi/pulumi
 * pkg/backend/diy/backend.go, `blob.PrefixedBucket(bucket, bucketSubDir)`), and a postgres:// URL's
 * path is the database name, here `pulumi/`.
 */
async function keys(table: string): Promise<string[]> {
  const all = await pg.sql(`SELECT key FROM ${table} ORDER BY key`);
  for (const k of all) expect(k.startsWith("pulumi/.pulumi/")).toBe(true);
  return all.map((k) => k.slice("pulumi/".length)).sort();
}

/** SIGKILL to every process whose working directory is `dir` (Linux /proc): plugins of a killed CLI. */
function killProcessesIn(dir: string): void {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) process.kill(Number(entry), "SIGKILL");
    } catch {
      /* gone, or not ours to read */
    }
  }
}

describe("team state in PostgreSQL (pulumi login postgres://...)", () => {
  it("both stacks: up against the sandbox with state in PostgreSQL, clean preview, destroy; nothing in a file backend", async () => {
    for (const stack of ["home", "cloud"] as SandboxStack[]) {
      const sb = await sandbox({ hcloud: { actionMs: 20 } });
      const ws = workspace(new EngineWorkspace(join(repoRoot, "stacks", stack), "team"));
      ws.backendUrl = pgUrl("stacks_state");
      const { config, secrets } = sandboxStackConfig(sb, stack);
      writeFileSync(ws.configFile, stringify({ config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
      await ws.init({}, secrets);
      check(await ws.run(["up", "--yes", "--skip-preview", "--stack", "team"], { allowFailure: true, timeoutMs: 600_000 }), `up ${stack}`);
      check(await ws.run(["preview", "--expect-no-changes", "--stack", "team"], { allowFailure: true }), `preview ${stack}`);
      const project = stack === "home" ? "hearth-home" : "hearth-cloud";
      const stored = await keys("stacks_state");
      expect(stored).toContain(`.pulumi/stacks/${project}/team.json`);
      expect(stored.filter((k) => k.startsWith(".pulumi/locks/"))).toEqual([]);
      expect(stored.some((k) => k.startsWith(`.pulumi/history/${project}/team/`))).toBe(true);
      // The stack's checkpoint in the table is the state the CLI reports.
      const exported = JSON.parse((await ws.run(["stack", "export", "--stack", "team"])).stdout) as { deployment: { resources: unknown[] } };
      const [row] = await pg.sql(`SELECT data FROM stacks_state WHERE key = 'pulumi/.pulumi/stacks/${project}/team.json'`);
      const checkpoint = JSON.parse(Buffer.from((JSON.parse(row!) as { data: string }).data, "base64").toString("utf8")) as { checkpoint: { latest: { resources: unknown[] } } };
      expect(checkpoint.checkpoint.latest.resources).toHaveLength(exported.deployment.resources.length);
      expect(ws.stateText()).toBe(""); // the workspace's own file backend stayed empty
      check(await ws.run(["destroy", "--yes", "--skip-preview", "--stack", "team"], { allowFailure: true, timeoutMs: 600_000 }), `destroy ${stack}`);
      expect(sb.inspect().leftovers).toEqual([]);
    }
  });

  it("two `pulumi up` of one stack at once: the second is refused by the stack lock, the first completes, nothing lost", async () => {
    const sb = await sandbox({ hcloud: { actionMs: 1500 } });
    const ws = workspace(cloudWorkspace("dev"));
    ws.env = sb.env();
    ws.backendUrl = pgUrl("lock_state");
    await ws.init({}, {});
    ws.setConfig({ count: 2 });

    let started!: () => void;
    const creating = new Promise<void>((r) => (started = r));
    const first = ws.run(["up", "--yes", "--skip-preview", "--stack", "dev"], {
      allowFailure: true,
      onOutput: (chunk) => {
        if (/creating/.test(chunk)) started();
      },
    });
    await creating;
    const lockKeys = (await keys("lock_state")).filter((k) => k.startsWith(".pulumi/locks/"));
    expect(lockKeys).toHaveLength(1);
    const second = await ws.run(["up", "--yes", "--skip-preview", "--stack", "dev"], { allowFailure: true });
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain("the stack is currently locked by 1 lock(s)");
    expect(second.stderr).toContain("`pulumi cancel`");
    expect(second.stderr).not.toContain(pg.url.split("@")[0]!.split(":")[2]!); // the password is masked as ****
    check(await first, "first up");

    expect((await keys("lock_state")).filter((k) => k.startsWith(".pulumi/locks/"))).toEqual([]);
    expect(Object.values(sb.inspect().hcloud.servers)).toHaveLength(2);
    check(await ws.run(["preview", "--expect-no-changes", "--stack", "dev"], { allowFailure: true }), "preview after");
    const state = JSON.parse((await ws.run(["stack", "export", "--stack", "dev"])).stdout) as { deployment: { resources: { type: string }[]; pending_operations?: unknown[] } };
    expect(state.deployment.resources.filter((r) => r.type === "hcloud:index/server:Server")).toHaveLength(2);
    expect(state.deployment.pending_operations ?? []).toEqual([]);
    check(await ws.run(["destroy", "--yes", "--skip-preview", "--stack", "dev"], { allowFailure: true }), "destroy");
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("state moves from the file backend to PostgreSQL and back with stack export/import; previews stay empty", async () => {
    const sb = await sandbox({ hcloud: { actionMs: 20 } });
    const file = workspace(cloudWorkspace("prod"));
    file.env = sb.env();
    await file.init({}, { dbPassword: "moved-secret-value-4711" });
    file.setConfig({ count: 1 });
    check(await file.run(["up", "--yes", "--skip-preview", "--stack", "prod"], { allowFailure: true }), "up on file");
    const exportFile = join(file.dir, "prod.checkpoint.json");
    check(await file.run(["stack", "export", "--stack", "prod", "--show-secrets", "--file", exportFile], { allowFailure: true }), "export");

    // The docs' steps (docs/state.md, "Moving a stack between backends") on a PostgreSQL backend.
    const db = workspace(cloudWorkspace("prod"));
    db.env = sb.env();
    db.backendUrl = pgUrl("move_state");
    await db.init({}, { dbPassword: "moved-secret-value-4711" });
    db.setConfig({ count: 1 });
    check(await db.run(["stack", "import", "--stack", "prod", "--file", exportFile], { allowFailure: true }), "import into PostgreSQL");
    check(await db.run(["preview", "--expect-no-changes", "--stack", "prod"], { allowFailure: true }), "preview on PostgreSQL");
    // The secret is encrypted in the table, never plain.
    const rows = (await pg.sql("SELECT data::text FROM move_state")).join("\n");
    const decoded = rows.split("\n").map((r) => Buffer.from((JSON.parse(r) as { data: string }).data, "base64").toString("utf8")).join("\n");
    expect(decoded).not.toContain("moved-secret-value-4711");
    // A change made while on PostgreSQL travels back.
    db.setConfig({ count: 2 });
    check(await db.run(["up", "--yes", "--skip-preview", "--stack", "prod"], { allowFailure: true }), "up on PostgreSQL");
    const back = join(db.dir, "prod.back.json");
    check(await db.run(["stack", "export", "--stack", "prod", "--show-secrets", "--file", back], { allowFailure: true }), "export from PostgreSQL");

    const again = workspace(cloudWorkspace("prod"));
    again.env = sb.env();
    await again.init({}, { dbPassword: "moved-secret-value-4711" });
    again.setConfig({ count: 2 });
    check(await again.run(["stack", "import", "--stack", "prod", "--file", back], { allowFailure: true }), "import into a file backend");
    check(await again.run(["preview", "--expect-no-changes", "--stack", "prod"], { allowFailure: true }), "preview back on files");
    check(await again.run(["destroy", "--yes", "--skip-preview", "--stack", "prod"], { allowFailure: true }), "destroy");
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("a killed `up` leaves a lock and a pending create; cancel, refresh --clear-pending-creates, import and up recover it without a leak", async () => {
    const sb = await sandbox({ hcloud: { actionMs: 4000 } });
    const ws = workspace(cloudWorkspace("dev"));
    ws.env = sb.env();
    ws.backendUrl = pgUrl("kill_state");
    await ws.init({}, {});
    ws.setConfig({ count: 1 });

    let pid = 0;
    const killed = ws.run(["up", "--yes", "--skip-preview", "--stack", "dev"], { allowFailure: true, detached: true, onStart: (c) => (pid = c.pid!) });
    // Kill the CLI and its plugins (one process group) once the server exists but its create action is still running.
    for (let i = 0; i < 600 && Object.keys(sb.inspect().hcloud.servers).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(Object.keys(sb.inspect().hcloud.servers)).toHaveLength(1);
    expect(pid).toBeGreaterThan(1);
    process.kill(-pid, "SIGKILL");
    expect((await killed).code).not.toBe(0);
    // The CLI starts each plugin in a process group of its own, so the language host and the
    // provider outlive the killed group (as they would not outlive a CI runner): end them too.
    killProcessesIn(ws.projectDir);

    const serverId = Object.keys(sb.inspect().hcloud.servers)[0]!;
    expect((await keys("kill_state")).filter((k) => k.startsWith(".pulumi/locks/"))).toHaveLength(1);
    const blocked = await ws.run(["up", "--yes", "--skip-preview", "--stack", "dev"], { allowFailure: true });
    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain("the stack is currently locked");

    check(await ws.run(["cancel", "--yes", "--stack", "dev"], { allowFailure: true }), "cancel");
    expect((await keys("kill_state")).filter((k) => k.startsWith(".pulumi/locks/"))).toEqual([]);
    const exported = JSON.parse((await ws.run(["stack", "export", "--stack", "dev"])).stdout) as { deployment: { pending_operations?: { type: string; resource: { urn: string; type: string } }[] } };
    const pending = (exported.deployment.pending_operations ?? []).filter((o) => o.type === "creating" && o.resource.type === "hcloud:index/server:Server");
    expect(pending).toHaveLength(1);

    // `refresh --import-pending-creates URN --import-pending-creates ID` (pulumi/pulumi
    // pkg/cmd/pulumi/operations/refresh.go) marks the pending create as an import but, measured with
    // CLI 3.259, the refresh that follows neither reads nor keeps it, and the next `up` creates a
    // second server. What recovers cleanly: drop the pending create, then adopt the server the killed
    // run made with `pulumi import` (its id from the cloud; here the sandbox), then `up`.
    const urn = pending[0]!.resource.urn;
    check(await ws.run(["refresh", "--yes", "--clear-pending-creates", "--stack", "dev"], { allowFailure: true }), "refresh --clear-pending-creates");
    const parent = urn.replace(/::hcloud:index\/server:Server::web-1$/, `::pulumi:pulumi:Stack::${ws.projectName}-dev`);
    check(
      await ws.run(["import", "hcloud:index/server:Server", "web-1", serverId, "--parent", `stack=${parent}`, "--protect=false", "--generate-code=false", "--yes", "--stack", "dev"], { allowFailure: true }),
      "import",
    );
    // Hetzner locks a server while an action runs on it (423 `locked`; hcloud-go does not retry it),
    // and the killed run's create action may still be running: wait for it, as the runbook says.
    const running = () => Object.values(sb.inspect().hcloud.actions).filter((a) => a.status === "running" && a.resources.some((r) => String(r.id) === serverId));
    for (let i = 0; i < 600 && running().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(running()).toEqual([]);
    // The server the killed run made never got its backups turned on (a second API call): up finishes that.
    const up = check(await ws.run(["up", "--yes", "--skip-preview", "--stack", "dev"], { allowFailure: true }), "up after recovery");
    expect(up).toMatch(/~ 1 updated/);
    expect(up).not.toMatch(/created|replaced/);
    expect(Object.keys(sb.inspect().hcloud.servers)).toEqual([serverId]);
    check(await ws.run(["preview", "--expect-no-changes", "--stack", "dev"], { allowFailure: true }), "clean preview");
    check(await ws.run(["destroy", "--yes", "--skip-preview", "--stack", "dev"], { allowFailure: true }), "destroy");
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("measured: up, preview and destroy of a small stack on PostgreSQL against the file backend (median of 3)", async () => {
    const sb = await sandbox({ hcloud: { actionMs: 20 } });
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const timings: Record<string, Record<string, number[]>> = { file: { up: [], preview: [], destroy: [] }, postgres: { up: [], preview: [], destroy: [] } };
    for (let round = 0; round < 3; round++) {
      for (const backend of ["file", "postgres"] as const) {
        const ws = workspace(cloudWorkspace(`r${round}`));
        ws.env = sb.env();
        if (backend === "postgres") ws.backendUrl = pgUrl("timing_state");
        await ws.init({}, {});
        ws.setConfig({ count: 1 });
        for (const op of ["up", "preview", "destroy"] as const) {
          const args = op === "preview" ? ["preview", "--expect-no-changes"] : [op, "--yes", "--skip-preview"];
          const t0 = performance.now();
          check(await ws.run([...args, "--stack", `r${round}`], { allowFailure: true }), `${backend} ${op}`);
          timings[backend]![op]!.push(performance.now() - t0);
        }
      }
    }
    const summary = Object.fromEntries(Object.entries(timings).map(([b, ops]) => [b, Object.fromEntries(Object.entries(ops).map(([op, xs]) => [op, Math.round(median(xs))]))]));
    console.log(`[hearth] state backend timings, median ms of 3 (firewall + 1 server): ${JSON.stringify(summary)}`);
    expect(sb.inspect().leftovers).toEqual([]);
  });
});

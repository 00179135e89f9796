/**
 * Drives the real Pulumi engine through scripts/pulumi.sh on a copy of a project, with its own
 * file backend, so runs never share state with a developer's stacks. Used by the engine tests
 * and by `npm run demo`.
 */
import { execFile, type ChildProcess } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { buildSync } from "esbuild";
import { parse, stringify } from "yaml";

export const repoRoot = resolve(__dirname, "../..");
const pulumiScript = join(repoRoot, "scripts/pulumi.sh");

/** True when the engine toolchain (CLI + language host) can run here. */
export function engineAvailable(): boolean {
  const dir = process.env.HEARTH_TOOLCHAIN_DIR ?? join(process.env.HOME ?? "", ".cache/hearth-toolchain");
  return existsSync(join(dir, "bin/pulumi")) && existsSync(join(dir, "bin/pulumi-language-nodejs"));
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One isolated engine workspace: a copy of a Pulumi project under the repo's ignored `.hearth/`
 * folder (so its imports still resolve through the root node_modules, and stack files never
 * land in the tracked tree), its own file backend and passphrase.
 */
export class EngineWorkspace {
  readonly dir: string;
  readonly projectDir: string;
  readonly backend: string;
  /** Everything the engine printed, for the secret scan. */
  readonly transcript: string[] = [];

  /**
   * @param sourceDir the Pulumi project to copy (none: an empty project dir, see fromProgram)
   * @param stack the stack name to create
   * @param configFrom a stack config file of the project (for example `Pulumi.dev.yaml`) whose
   *   plain values seed this stack's config
   */
  constructor(
    sourceDir: string | undefined,
    readonly stack: string,
    configFrom?: string,
  ) {
    const runs = join(repoRoot, ".hearth/engine-runs");
    mkdirSync(runs, { recursive: true });
    this.dir = mkdtempSync(join(runs, "run-"));
    this.projectDir = join(this.dir, "project");
    if (sourceDir) cpSync(sourceDir, this.projectDir, { recursive: true, filter: (src) => !/Pulumi\.[^/]+\.yaml$/.test(src) || src.endsWith("Pulumi.yaml") });
    // The repository's stacks share stacks/lib (stack-config parsing) through `../lib`: copy it beside the project.
    const sharedLib = sourceDir === undefined ? undefined : join(sourceDir, "..", "lib");
    if (sharedLib !== undefined && basename(dirname(sharedLib)) === "stacks" && existsSync(sharedLib)) cpSync(sharedLib, join(this.dir, "lib"), { recursive: true });
    if (sourceDir && configFrom) cpSync(join(sourceDir, configFrom), this.configFile);
    this.backend = join(this.dir, "state");
    mkdirSync(this.backend);
    // Each workspace is a machine of its own: the proxmoxve provider keeps its VM id lock and
    // sequence file in the temp dir (bpg/terraform-provider-proxmox proxmox/cluster/id_generator.go),
    // which concurrent runs on one machine would otherwise share.
    this.tmpDir = join(this.dir, "tmp");
    mkdirSync(this.tmpDir);
  }

  /** The workspace's own temp dir (TMPDIR of every run unless `env` sets another). */
  readonly tmpDir: string;

  /**
   * A workspace for a small JavaScript program (`index.js`), written on the spot. Prefer a typed
   * program file ({@link EngineWorkspace.fromProgramFile}); this remains for the policy engine tests.
   */
  static fromProgram(name: string, program: string, stack: string): EngineWorkspace {
    const ws = new EngineWorkspace(undefined, stack);
    mkdirSync(ws.projectDir);
    writeFileSync(join(ws.projectDir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
    writeFileSync(join(ws.projectDir, "index.js"), program);
    return ws;
  }

  /**
   * A workspace for a TypeScript program file (for example test/e2e/programs/hcloud-hearth.ts,
   * type-checked with the repo by `tsc -b`), compiled with esbuild into the project's `index.js`:
   * the program's relative imports are bundled, packages (`@hearth/*`, `@pulumi/*`) stay imports
   * resolved from the repo's node_modules (the built dist). The project is named after the file,
   * so the program reads its parameters with `new pulumi.Config()` from `<name>:<key>`.
   * Compiling once (about 20 ms) rather than letting the language host run TypeScript
   * (`runtime.options.typescript`, ts-node on every run) saves seconds per engine run (docs/testing.md).
   */
  static fromProgramFile(file: string, stack: string): EngineWorkspace {
    const ws = new EngineWorkspace(undefined, stack);
    mkdirSync(ws.projectDir);
    const name = basename(file).replace(/\.ts$/, "");
    writeFileSync(join(ws.projectDir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
    buildSync({
      entryPoints: [file],
      outfile: join(ws.projectDir, "index.js"),
      bundle: true,
      packages: "external",
      platform: "node",
      format: "cjs",
      target: "node20",
      sourcemap: "inline",
      logLevel: "error",
    });
    return ws;
  }

  /** The project's name (Pulumi.yaml), the namespace of its own config keys. */
  get projectName(): string {
    return (parse(readFileSync(join(this.projectDir, "Pulumi.yaml"), "utf8")) as { name: string }).name;
  }

  /**
   * Sets plain config values of the project (`new pulumi.Config()` in the program; values may be
   * lists or objects, read with `requireObject`), keeping what the stack file already holds
   * (its encryption salt, other keys).
   */
  setConfig(values: Record<string, unknown>): void {
    const current = existsSync(this.configFile) ? ((parse(readFileSync(this.configFile, "utf8")) as Record<string, unknown> | null) ?? {}) : {};
    const config = { ...(current.config as Record<string, unknown> | undefined) };
    for (const [key, value] of Object.entries(values)) config[key.includes(":") ? key : `${this.projectName}:${key}`] = value;
    writeFileSync(this.configFile, stringify({ ...current, config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
  }

  get configFile(): string {
    return join(this.projectDir, `Pulumi.${this.stack}.yaml`);
  }

  /** Extra environment for every run, for example a sandbox's provider endpoints. */
  env: NodeJS.ProcessEnv = {};

  /**
   * Where this workspace's stacks live: its own file backend unless set, for example to a
   * `postgres://` URL (docs/state.md).
   */
  backendUrl: string | undefined;

  run(
    args: string[],
    options: {
      input?: string;
      allowFailure?: boolean;
      timeoutMs?: number;
      onOutput?: (chunk: string) => void;
      /** Called with the started process (scripts/pulumi.sh execs pulumi, so this is the CLI). */
      onStart?: (child: ChildProcess) => void;
      /** Start it as a process group leader (its pid is the group id), so a test can kill the CLI and its plugins together. */
      detached?: boolean;
    } = {},
  ): Promise<RunResult> {
    const env = {
      ...process.env,
      TMPDIR: this.tmpDir,
      ...this.env,
      PULUMI_BACKEND_URL: this.backendUrl ?? `file://${this.backend}`,
      PULUMI_CONFIG_PASSPHRASE: "hearth-engine-test",
      PULUMI_CONFIG_PASSPHRASE_FILE: undefined,
      PULUMI_HOME: process.env.PULUMI_HOME,
      NO_COLOR: "1",
    };
    const execOptions = { env, timeout: options.timeoutMs ?? 300_000, maxBuffer: 64 * 1024 * 1024, encoding: "utf8" as const };
    const command = [pulumiScript, ...args, "--cwd", this.projectDir, "--non-interactive"];
    return new Promise((resolvePromise, reject) => {
      const child = execFile(
        // execFile has no `detached`; setsid(1) (util-linux) makes the CLI a process group leader.
        options.detached ? "setsid" : "bash",
        options.detached ? ["bash", ...command] : command,
        execOptions,
        (error, stdout, stderr) => {
          this.transcript.push(stdout, stderr);
          const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
          if (code !== 0 && !options.allowFailure) {
            reject(new Error(`pulumi ${args.join(" ")} exited ${code}\n${stdout.slice(-4000)}\n${stderr.slice(-4000)}`));
          } else {
            resolvePromise({ code, stdout, stderr });
          }
        },
      );
      options.onStart?.(child);
      if (options.onOutput) {
        child.stdout?.on("data", (d: Buffer) => options.onOutput!(d.toString()));
        child.stderr?.on("data", (d: Buffer) => options.onOutput!(d.toString()));
      }
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }

  /** Writes plain stack config (values may be objects) into the stack's config file. */
  writeConfig(config: Record<string, unknown>): void {
    // Quote every string: Pulumi reads YAML 1.1, where an unquoted 2026-11-23T00:00:00Z is a timestamp.
    writeFileSync(this.configFile, stringify({ config }, { defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN" }));
  }

  /** Creates the stack with its config in the temp dir (nothing is written into the repo). */
  async init(config: Record<string, string>, secrets: Record<string, string>): Promise<void> {
    await this.run(["stack", "init", this.stack]);
    for (const [key, value] of Object.entries(config)) {
      await this.run(["config", "set", key, value, "--stack", this.stack]);
    }
    for (const [key, value] of Object.entries(secrets)) {
      // From stdin, so the secret is never on a command line.
      await this.run(["config", "set", "--secret", key, "--stack", this.stack], { input: value });
    }
  }

  /** `pulumi preview --json`, parsed. */
  async previewJson(extra: string[] = []): Promise<PreviewJson> {
    const result = await this.run(["preview", "--json", "--stack", this.stack, ...extra]);
    return JSON.parse(result.stdout) as PreviewJson;
  }

  /** Every file the backend holds (state, history, backups), as text. */
  stateText(): string {
    const out: string[] = [];
    const walk = (dir: string) => {
      if (!existsSync(dir)) return;
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else out.push(readFileSync(path, "utf8"));
      }
    };
    walk(this.backend);
    return out.join("\n");
  }

  dispose(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly newState?: { readonly type: string; readonly inputs?: Record<string, unknown> };
  readonly oldState?: { readonly type: string };
}

export interface PreviewJson {
  readonly steps: readonly PreviewStep[];
  readonly changeSummary?: Record<string, number>;
  readonly diagnostics?: ReadonlyArray<{ readonly message: string; readonly severity: string }>;
}

/** Resource type -> count of planned steps of that op. */
export function countByType(preview: PreviewJson, op = "create"): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const step of preview.steps) {
    if (step.op !== op) continue;
    const type = step.newState?.type ?? step.oldState?.type ?? step.urn.split("::")[2] ?? "?";
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/** The places a secret must never appear in plain text; returns the names of those that hold it. */
export function findPlaintext(secret: string, places: Record<string, string>): string[] {
  const needles = [secret, ...secret.split("\n").filter((line) => line.length >= 16 && !line.startsWith("-----"))];
  return Object.entries(places)
    .filter(([, text]) => needles.some((needle) => text.includes(needle)))
    .map(([name]) => name);
}

/** Resource plugins in the engine's plugin cache, as `name@version`. */
export async function installedPlugins(): Promise<Set<string>> {
  const ws = new EngineWorkspace(join(repoRoot, "examples/catalog-basic"), "plugins");
  try {
    const { stdout } = await ws.run(["plugin", "ls", "--json"]);
    const plugins = JSON.parse(stdout) as Array<{ name: string; kind: string; version: string }>;
    return new Set(plugins.filter((p) => p.kind === "resource").map((p) => `${p.name}@${p.version}`));
  } finally {
    ws.dispose();
  }
}

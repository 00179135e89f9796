import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { startSandbox, type Sandbox, type SandboxOptions } from "@hearth/sandbox";
import { EngineWorkspace, repoRoot as root } from "../../scripts/lib/engine.js";
import { assertConformant } from "../support/conformance.js";

export { repoRoot } from "../../scripts/lib/engine.js";

/** The file of an e2e program: test/e2e/programs/<name>.ts, type-checked with the repo. */
export const programFile = (name: string): string => join(__dirname, "programs", `${name}.ts`);

export interface PulumiResult {
  code: number;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

/**
 * A small Pulumi program run by the real engine (scripts/pulumi.sh) against a fresh sandbox, in
 * its own engine workspace (file backend, passphrase). Providers read the sandbox's endpoints and
 * fake credentials from the environment, so nothing about them lands in the program or the state.
 */
export class SandboxProject {
  readonly stack = "e2e";

  private constructor(
    readonly sandbox: Sandbox,
    private readonly ws: EngineWorkspace,
  ) {
    ws.env = sandbox.env();
  }

  static async create(name: string, program: string, options: SandboxOptions = {}): Promise<SandboxProject> {
    return SandboxProject.init(new SandboxProject(await startSandbox(options), EngineWorkspace.fromProgram(name, program, "e2e")));
  }

  /**
   * A project folder (for example a Pulumi YAML example) copied into its own workspace;
   * `prepare` may adjust the copy (its path is given) before the stack is created.
   */
  static async fromDirectory(sourceDir: string, options: SandboxOptions = {}, prepare?: (projectDir: string) => void): Promise<SandboxProject> {
    const project = new SandboxProject(await startSandbox(options), new EngineWorkspace(sourceDir, "e2e"));
    prepare?.(project.dir);
    return SandboxProject.init(project);
  }

  private static async init(project: SandboxProject): Promise<SandboxProject> {
    const init = await project.pulumi(["stack", "init", project.stack]);
    if (init.code !== 0) {
      await project.dispose().catch(() => undefined);
      throw new Error(`pulumi stack init failed:\n${init.output}`);
    }
    return project;
  }

  /**
   * A TypeScript program of test/e2e/programs (see {@link programFile}), compiled into a fresh
   * engine workspace, run against a fresh sandbox. `config` sets its plain parameters (read with
   * `new pulumi.Config()`), `secrets` its secret ones (`config.requireSecret`).
   */
  static async fromFile(
    file: string,
    options: SandboxOptions = {},
    { config = {}, secrets = {} }: { config?: Record<string, unknown>; secrets?: Record<string, string> } = {},
  ): Promise<SandboxProject> {
    const ws = EngineWorkspace.fromProgramFile(file, "e2e");
    const project = new SandboxProject(await startSandbox(options), ws);
    const init = await project.pulumi(["stack", "init", project.stack]);
    if (init.code !== 0) throw new Error(`pulumi stack init failed:\n${init.output}`);
    project.setConfig(config);
    for (const [key, value] of Object.entries(secrets)) {
      // From stdin, so the secret is never on a command line.
      await ws.run(["config", "set", "--secret", key, "--stack", project.stack], { input: value });
    }
    return project;
  }

  /** Changes the program's plain parameters for the next run. */
  setConfig(values: Record<string, unknown>): void {
    if (Object.keys(values).length > 0) this.ws.setConfig(values);
  }

  /** The project directory (a program's `index.js` may be rewritten between runs). */
  get dir(): string {
    return this.ws.projectDir;
  }

  /** Run `scripts/pulumi.sh <args> --stack e2e --non-interactive` in the project. */
  async pulumi(args: string[]): Promise<PulumiResult> {
    const stackArgs = args[0] === "stack" ? [] : ["--stack", this.stack];
    const result = await this.ws.run([...args, ...stackArgs], { allowFailure: true, timeoutMs: 600_000 });
    return { code: result.code, output: result.stdout + result.stderr };
  }

  /**
   * What `pulumi preview` would change: one entry per step that is not "same", with the changed
   * property paths (e.g. `disks[0].speed`).
   */
  async previewChanges(extraArgs: string[] = []): Promise<{ op: string; name: string; paths: string[] }[]> {
    const r = await this.pulumi(["preview", "--json", ...extraArgs]);
    if (r.code !== 0) throw new Error(`pulumi preview failed:\n${r.output}`);
    const json = JSON.parse(r.output.slice(r.output.indexOf("{"))) as { steps?: { op: string; urn: string; detailedDiff?: Record<string, unknown> }[] };
    return (json.steps ?? [])
      .filter((s) => s.op !== "same")
      .map((s) => ({ op: s.op, name: s.urn.split("::").pop() ?? s.urn, paths: Object.keys(s.detailedDiff ?? {}) }));
  }

  /** Every file the backend wrote, concatenated (for secret checks). */
  stateText(): string {
    return this.ws.stateText();
  }

  private disposed = false;

  /**
   * Stop the sandbox, remove the workspace, then fail if any exchange of the run departed from
   * the official API descriptions (docs/sandbox.md, Conformance).
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.sandbox.stop();
    this.ws.dispose();
    await assertConformant(this.sandbox);
  }
}

/**
 * Builds Hearth `packages` as they were at `commit` (CommonJS only, enough for a program to
 * require) into `.hearth/old-builds/<commit>-<tag>` and returns that folder; a build already
 * there is reused. Its `node_modules` links every dependency of the workspace except @hearth,
 * which links the old packages, so old Hearth code runs on this workspace's @pulumi/pulumi and
 * provider SDKs. The upgrade tests run a stack with it, then with the workspace's code.
 */
export function buildPackagesAt(commit: string, packages: readonly string[], tag: string): string {
  const dir = join(root, ".hearth/old-builds", `${commit}-${tag}`);
  const last = packages[packages.length - 1]!;
  if (existsSync(join(dir, "packages", last, "dist/index.cjs"))) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules/@hearth"), { recursive: true });
  const archive = execFileSync("git", ["archive", commit, ...packages.map((p) => `packages/${p}`)], { cwd: root, maxBuffer: 256 * 1024 * 1024 });
  execFileSync("tar", ["-x", "-C", dir], { input: archive });
  for (const entry of readdirSync(join(root, "node_modules"))) {
    if (entry !== "@hearth") symlinkSync(join(root, "node_modules", entry), join(dir, "node_modules", entry));
  }
  for (const p of packages) symlinkSync(join(dir, "packages", p), join(dir, "node_modules/@hearth", p));
  for (const p of packages) {
    const pkg = JSON.parse(execFileSync("git", ["show", `${commit}:packages/${p}/package.json`], { cwd: root, encoding: "utf8" })) as {
      exports: Record<string, { require: { default: string } }>;
    };
    const entries = Object.values(pkg.exports).map((e) => e.require.default.replace("./dist/", "src/").replace(/\.cjs$/, ".ts"));
    execFileSync(join(root, "node_modules/.bin/tsup"), ["--no-config", "--format", "cjs", "--target", "node20", ...entries], { cwd: join(dir, "packages", p), stdio: "pipe" });
  }
  return dir;
}

import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { startSandbox, type Sandbox, type SandboxOptions } from "@hearth/sandbox";

/** The repository root (test/e2e/../..). */
export const repoRoot = resolve(__dirname, "../..");

export interface PulumiResult {
  code: number;
  /** stdout and stderr together, for assertion messages. */
  output: string;
}

/**
 * A throwaway Pulumi project in a temp dir, run by the real engine (scripts/pulumi.sh) against a
 * fresh sandbox, with its own file backend. Providers read the sandbox's endpoints and fake
 * credentials from the environment, so nothing about them lands in the program or the state.
 */
export class SandboxProject {
  readonly stack = "e2e";
  readonly dir: string;
  readonly stateDir: string;

  private constructor(
    readonly sandbox: Sandbox,
    private readonly root: string,
  ) {
    this.dir = join(root, "project");
    this.stateDir = join(root, "state");
  }

  static async create(name: string, program: string, options: SandboxOptions = {}): Promise<SandboxProject> {
    const root = mkdtempSync(join(tmpdir(), `hearth-e2e-${name}-`));
    const project = new SandboxProject(await startSandbox(options), root);
    mkdirSync(project.dir);
    mkdirSync(project.stateDir);
    writeFileSync(join(project.dir, "Pulumi.yaml"), `name: ${name}\nruntime: nodejs\nmain: index.js\n`);
    writeFileSync(join(project.dir, "package.json"), JSON.stringify({ name, private: true }));
    writeFileSync(join(project.dir, "index.js"), program);
    // The repo's node_modules: the pinned SDKs and the built @hearth/* packages (workspace links).
    symlinkSync(join(repoRoot, "node_modules"), join(project.dir, "node_modules"), "dir");
    const init = await project.pulumi(["stack", "init", project.stack]);
    if (init.code !== 0) throw new Error(`pulumi stack init failed:\n${init.output}`);
    return project;
  }

  /** Run `scripts/pulumi.sh <args> --stack e2e --non-interactive` in the project. */
  pulumi(args: string[]): Promise<PulumiResult> {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.sandbox.env(),
      PULUMI_BACKEND_URL: `file://${this.stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "hearth-e2e-not-a-secret",
    };
    delete env.PULUMI_CONFIG_PASSPHRASE_FILE;
    const stackArgs = args[0] === "stack" ? [] : ["--stack", this.stack];
    return new Promise((done, fail) => {
      const child = spawn("bash", [join(repoRoot, "scripts/pulumi.sh"), ...args, ...stackArgs, "--non-interactive"], { cwd: this.dir, env });
      let output = "";
      child.stdout.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr.on("data", (d: Buffer) => (output += d.toString()));
      child.on("error", fail);
      child.on("close", (code) => done({ code: code ?? -1, output }));
    });
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
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => {
        const p = join(dir, f);
        return statSync(p).isDirectory() ? walk(p) : [readFileSync(p, "utf8")];
      });
    return walk(this.stateDir).join("\n");
  }

  async dispose(): Promise<void> {
    await this.sandbox.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}

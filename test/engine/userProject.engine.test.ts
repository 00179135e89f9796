import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "@hearth/sandbox";
import { repoRoot } from "../../scripts/lib/engine.js";

// Hearth as a user meets it: every package packed with `npm pack`, installed from the tarballs into
// a fresh project OUTSIDE the repository together with the newest @pulumi/pulumi and provider SDKs
// the registry has, type-checked with the settings of Pulumi's own TypeScript template, and run by
// the real engine against the sandbox. Then the same for a project started with `pulumi new` from
// templates/home.

const exec = promisify(execFile);
const packages = ["core", "kit", "proxmox", "hcloud", "digitalocean", "gateway", "catalog", "policy", "sandbox"];
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@laptop";

/** TypeScript settings of Pulumi's `typescript` template (pulumi/templates typescript/tsconfig.json). */
const templateTsconfig = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "nodenext",
    moduleResolution: "nodenext",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};

let work: string;
let tarballs: string[];
let sandbox: Sandbox;
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "hearth-user-"));
  expect(relative(repoRoot, work).startsWith("..")).toBe(true);
  const packs = join(work, "tarballs");
  mkdirSync(packs);
  const { stdout } = await exec("npm", ["pack", "--json", "--pack-destination", packs, ...packages.flatMap((p) => ["-w", `packages/${p}`])], { cwd: repoRoot, maxBuffer: 32 << 20 });
  tarballs = (JSON.parse(stdout) as { filename: string }[]).map((p) => join(packs, p.filename));
  expect(tarballs).toHaveLength(packages.length);
  sandbox = await startSandbox();
}, 300_000);
afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const npm = (cwd: string, args: string[]) => exec("npm", [...args, "--no-audit", "--no-fund"], { cwd, maxBuffer: 64 << 20, timeout: 600_000 });

/** Every copy of a package in a project's node_modules tree. */
function copiesOf(project: string, name: string): { path: string; version: string }[] {
  const found: { path: string; version: string }[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith(".")) continue;
      const scoped = entry.startsWith("@") ? readdirSync(join(dir, entry)).map((e) => join(entry, e)) : [entry];
      for (const pkg of scoped) {
        const path = join(dir, pkg);
        if (pkg === name && existsSync(join(path, "package.json"))) found.push({ path, version: (JSON.parse(readFileSync(join(path, "package.json"), "utf8")) as { version: string }).version });
        walk(join(path, "node_modules"));
      }
    }
  };
  walk(join(project, "node_modules"));
  return found;
}

async function latest(name: string): Promise<string> {
  return (await exec("npm", ["view", name, "version"])).stdout.trim();
}

/** scripts/pulumi.sh (the offline settings) on the user's project, with its own file backend. */
async function pulumi(project: string, args: string[], input?: string): Promise<{ code: number; out: string }> {
  const env = {
    ...process.env,
    ...sandbox.env(),
    PULUMI_BACKEND_URL: `file://${join(project, ".state")}`,
    PULUMI_CONFIG_PASSPHRASE: "user-project-test",
    NO_COLOR: "1",
  };
  mkdirSync(join(project, ".state"), { recursive: true });
  return new Promise((resolve) => {
    const child = execFile("bash", [join(repoRoot, "scripts/pulumi.sh"), ...args, "--cwd", project, "--non-interactive"], { env, maxBuffer: 64 << 20, timeout: 600_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, out: stdout + stderr }),
    );
    child.stdin?.end(input ?? "");
  });
}

const ok = (r: { code: number; out: string }, what: string): string => {
  expect(r.code, `${what}\n${r.out.slice(-6000)}`).toBe(0);
  return r.out;
};

/** Installs the tarballs plus the newest SDKs; checks there is one @pulumi/pulumi, the newest. */
async function installHearth(project: string): Promise<void> {
  const sdks = ["@pulumi/pulumi", "@muhlba91/pulumi-proxmoxve", "@pulumi/hcloud", "@pulumi/digitalocean"];
  await npm(project, ["install", ...tarballs, ...sdks.map((s) => `${s}@latest`)]);
  await npm(project, ["install", "-D", "typescript@^5.0.0", "@types/node@^18"]);
  const copies = copiesOf(project, "@pulumi/pulumi");
  expect(copies.map((c) => relative(project, c.path))).toEqual(["node_modules/@pulumi/pulumi"]);
  expect(copies[0]!.version).toBe(await latest("@pulumi/pulumi"));
  for (const sdk of sdks.slice(1)) expect(copiesOf(project, sdk).map((c) => c.version)).toEqual([await latest(sdk)]);
}

/** preview, up, a clean preview and destroy against the sandbox; the VMs and backup job exist after up. */
async function deploy(project: string): Promise<void> {
  ok(await pulumi(project, ["stack", "init", "dev"]), "stack init");
  ok(await pulumi(project, ["config", "set", "sshPublicKey", KEY, "--stack", "dev"]), "config set");
  const preview = ok(await pulumi(project, ["preview", "--stack", "dev"]), "preview");
  expect(preview).toMatch(/\+ \d+ to create/);
  ok(await pulumi(project, ["up", "--yes", "--skip-preview", "--stack", "dev"]), "up");
  const pve = sandbox.inspect().proxmox;
  expect(Object.values(pve.vms).filter((vm) => vm.status === "running")).toHaveLength(3);
  expect(Object.values(pve.backupJobs)).toHaveLength(1);
  const outputs = JSON.parse(ok(await pulumi(project, ["stack", "output", "--json", "--stack", "dev"]), "outputs")) as { addresses: string[] };
  expect(outputs.addresses).toHaveLength(3);
  ok(await pulumi(project, ["preview", "--expect-no-changes", "--stack", "dev"]), "clean preview");
  ok(await pulumi(project, ["destroy", "--yes", "--skip-preview", "--stack", "dev"]), "destroy");
  expect(sandbox.inspect().leftovers).toEqual([]);
}

/** `tsc --noEmit` in the project; on failure the error carries tsc's report (it writes to stdout). */
async function typecheck(project: string): Promise<void> {
  try {
    await exec(join(project, "node_modules/.bin/tsc"), ["--noEmit", "-p", project]);
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`tsc --noEmit failed in ${project}:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

describe("Hearth installed in a user's own project (npm pack tarballs, outside the repository)", () => {
  it("the README's example type-checks with Pulumi's template settings and runs preview and up against the sandbox", async () => {
    const project = join(work, "my-home");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-home", private: true, main: "index.ts" }, null, 2));
    await installHearth(project);

    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const example = /## Example\n\n```ts\n([\s\S]*?)```/.exec(readme);
    expect(example).not.toBeNull();
    writeFileSync(join(project, "index.ts"), example![1]!);
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify(templateTsconfig, null, 2));
    writeFileSync(join(project, "Pulumi.yaml"), "name: my-home\nruntime: nodejs\ndescription: The README's example\n");
    await typecheck(project);

    await deploy(project);
  });

  it("`pulumi new templates/home` starts a project that type-checks and runs against the sandbox", async () => {
    const project = join(work, "from-template");
    // --generate-only: @hearth/* are installed from the tarballs below, not from the registry.
    const created = await pulumi(work, ["new", join(repoRoot, "templates/home"), "--dir", project, "--name", "lab-home", "--description", "My lab at home", "--yes", "--generate-only"]);
    ok(created, "pulumi new");
    const manifest = JSON.parse(readFileSync(join(project, "package.json"), "utf8")) as { name: string; dependencies: Record<string, string> };
    expect(manifest.name).toBe("lab-home");
    expect(readFileSync(join(project, "Pulumi.yaml"), "utf8")).toMatch(/^name: lab-home\n/);
    expect(readFileSync(join(project, "index.ts"), "utf8")).toContain("// My lab at home");
    await installHearth(project);
    await typecheck(project);
    await deploy(project);
  });
});

// The template directory holds what `pulumi new` needs and nothing built.
it("templates/home is a complete pulumi new template", () => {
  const dir = join(repoRoot, "templates/home");
  expect(readdirSync(dir).sort()).toEqual([".gitignore", "Pulumi.yaml", "index.ts", "package.json", "tsconfig.json"]);
  expect(readFileSync(join(dir, "Pulumi.yaml"), "utf8")).toMatch(/^template:\n {2}description: /m);
  expect(JSON.parse(readFileSync(join(dir, "tsconfig.json"), "utf8"))).toEqual(templateTsconfig);
});

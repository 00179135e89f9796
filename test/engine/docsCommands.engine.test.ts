import { execFile } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { repoRoot } from "../../scripts/lib/engine.js";

// Commands the docs show, run exactly as written, the way a newcomer meets them: from the
// repository root, with nothing set in the environment but what the docs say.

const run = promisify(execFile);

/** The first ```sh block after a heading in a doc. */
function shBlockAfter(doc: string, heading: string): string {
  const text = readFileSync(join(repoRoot, doc), "utf8");
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${doc}: no heading "${heading}"`);
  const block = /```sh\n([\s\S]*?)```/.exec(text.slice(at));
  if (!block) throw new Error(`${doc}: no sh block after "${heading}"`);
  return block[1]!;
}

let copy: string | undefined;
afterEach(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
  copy = undefined;
});

describe("docs commands, as written", () => {
  it("docs/engine.md 'A first preview of stacks/home' works on a fresh local backend", async () => {
    const block = shBlockAfter("docs/engine.md", "## A first preview of `stacks/home`");
    expect(block).toContain("scripts/pulumi.sh preview -C stacks/home -s dev");
    // A fresh checkout's layout (scripts/, stacks/home, stacks/lib) under the ignored .hearth/ folder, so the
    // commands' own writes (the local backend, Pulumi.dev.yaml) never touch the tracked tree and the
    // program's imports still resolve through the repository's node_modules.
    mkdirSync(join(repoRoot, ".hearth"), { recursive: true });
    copy = mkdtempSync(join(repoRoot, ".hearth/docs-run-"));
    cpSync(join(repoRoot, "scripts"), join(copy, "scripts"), { recursive: true });
    cpSync(join(repoRoot, "stacks/home"), join(copy, "stacks/home"), { recursive: true });
    // stacks/home reads its config through the stacks' shared parser (stacks/lib).
    cpSync(join(repoRoot, "stacks/lib"), join(copy, "stacks/lib"), { recursive: true });
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    for (const k of ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"]) delete env[k];

    const first = await run("bash", ["-euo", "pipefail", "-c", block], { cwd: copy, env, timeout: 300_000, maxBuffer: 32 << 20 });
    expect(first.stdout).toMatch(/\+ 71 to create/);
    expect(first.stdout).toMatch(/\+ +proxmoxve:index:VmLegacy +web-1 +create/);
    // The secret went into the stack file encrypted, never plain.
    const stackFile = readFileSync(join(copy, "stacks/home/Pulumi.dev.yaml"), "utf8");
    expect(stackFile).toMatch(/\n {2}proxmox:apiToken:\n {4}secure: v1:/);
    expect(stackFile).not.toMatch(/^ {2}proxmox:apiToken: .*terraform@pve/m);
    // Run again: the same commands work on the now existing stack.
    const again = await run("bash", ["-euo", "pipefail", "-c", block], { cwd: copy, env, timeout: 300_000, maxBuffer: 32 << 20 });
    expect(again.stdout).toMatch(/\+ 71 to create/);
  });
});

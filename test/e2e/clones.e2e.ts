/**
 * VMs from one template, end to end: the real engine and proxmoxve plugin against the sandbox's
 * Proxmox lock model (shared template lock, exclusive target id, 10 s storage allocation lock;
 * docs/sandbox.md). Parallel clones, ids across two stacks applying at once, and the per-storage
 * bound under a storage whose allocations are slow.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox, type SandboxOptions } from "@hearth/sandbox";
import { EngineWorkspace } from "../../scripts/lib/engine.js";
import { programFile, SandboxProject } from "./harness.js";

// The programs (test/e2e/programs/*.ts): `count` VmFromTemplate clones of template 9000 keeping
// its 2 GB disk (pve-vms), and the same VMs as raw VmLegacy resources without dependsOn, what a
// user writes by hand (pve-raw-clones).
const hearthVms = (count: number, prefix: string, extra: Record<string, unknown> = {}) => ({ config: { count, prefix, templateDiskGb: 2, ...extra } });
const rawVms = (count: number, prefix: string) => ({ config: { count, prefix } });

const template = { vmid: 9000, name: "debian-12", diskGb: 2 };
const ok = (r: { code: number; output: string }): void => expect(r.code, r.output.slice(-4000)).toBe(0);

/** The most clone tasks the sandbox ran at the same time while `work` ran (polled every 20 ms). */
async function peakClones<T>(sandbox: Sandbox, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = 0;
  let polling = true;
  const poll = (async () => {
    while (polling) {
      const running = Object.values(sandbox.inspect().proxmox.tasks).filter((t) => t.type === "qmclone" && t.status === "running").length;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    return { result: await work(), peak };
  } finally {
    polling = false;
    await poll;
  }
}

let project: SandboxProject | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  await project?.dispose();
  project = undefined;
  for (const c of cleanups.splice(0)) await c();
});

describe("VMs from one template against Proxmox's real lock model", () => {
  it("clones of one template run side by side, at most clonesPerStorage at once, and all succeed", async () => {
    project = await SandboxProject.fromFile(programFile("pve-vms"), { proxmox: { templates: [template], timeScale: 0.1 } }, hearthVms(12, "web", { clonesPerStorage: 4 }));
    const p = project;
    const { result, peak } = await peakClones(p.sandbox, () => p.pulumi(["up", "--yes", "--skip-preview"]));
    ok(result);
    // Several clones of template 9000 ran at once (Proxmox locks a stopped source shared), never more than the bound.
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    const vms = Object.values(p.sandbox.inspect().proxmox.vms).filter((vm) => vm.vmid !== 9000);
    expect(vms).toHaveLength(12);
    for (const vm of vms) expect(vm.status).toBe("running");
    ok(await p.pulumi(["preview", "--expect-no-changes"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
  });

  it("two stacks applying at the same time from two machines: disjoint vmIdRange blocks, no collision, both succeed", async () => {
    const sandbox = await startSandbox({ proxmox: { templates: [template], timeScale: 0.05 } });
    cleanups.push(() => sandbox.stop());
    const stacks = [
      { name: "lab-a", vmIdRange: { from: 20000, to: 20999 } },
      { name: "lab-b", vmIdRange: { from: 21000, to: 21999 } },
    ].map(({ name, vmIdRange }) => {
      const ws = EngineWorkspace.fromProgramFile(programFile("pve-vms"), "e2e");
      cleanups.push(() => ws.dispose());
      // Each workspace has its own TMPDIR, where the provider keeps its id lock and sequence file: one machine per stack.
      ws.env = sandbox.env();
      return { ws, config: hearthVms(8, name, { vmIdRange }).config };
    });
    for (const { ws, config } of stacks) {
      await ws.run(["stack", "init", "e2e"]);
      ws.setConfig(config);
    }

    const results = await Promise.all(stacks.map(({ ws }) => ws.run(["up", "--yes", "--skip-preview", "--stack", "e2e"], { allowFailure: true, timeoutMs: 600_000 })));
    for (const r of results) expect(r.code, (r.stdout + r.stderr).slice(-4000)).toBe(0);

    const ids = await Promise.all(stacks.map(async ({ ws }) => JSON.parse((await ws.run(["stack", "output", "ids", "--json", "--stack", "e2e"])).stdout) as number[]));
    expect(ids[0]!.every((id) => id >= 20000 && id <= 20999)).toBe(true);
    expect(ids[1]!.every((id) => id >= 21000 && id <= 21999)).toBe(true);
    expect(new Set([...ids[0]!, ...ids[1]!]).size).toBe(16);
    const created = Object.values(sandbox.inspect().proxmox.vms).filter((vm) => vm.vmid !== 9000);
    expect(created.map((vm) => vm.vmid).sort()).toEqual([...ids[0]!, ...ids[1]!].sort());

    for (const { ws } of stacks) await ws.run(["destroy", "--yes", "--skip-preview", "--stack", "e2e"]);
    expect(sandbox.inspect().leftovers).toEqual([]);
  });

  // A storage whose allocations are slow (1.2 s each under its lock, as a busy or network storage
  // may be) and an engine allowed 32 operations at once: 16 raw clones queue on the storage lock.
  const slowStorage: SandboxOptions = { proxmox: { templates: [template], timeScale: 0.2, allocateMs: 1200 } };
  const storageLock = "can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout";

  it("a storage under contention: 16 raw clones at once time out on the storage lock; Hearth's bound keeps every clone inside it", async () => {
    project = await SandboxProject.fromFile(programFile("pve-raw-clones"), slowStorage, rawVms(16, "raw"));
    const raw = await project.pulumi(["up", "--yes", "--skip-preview", "--parallel", "32"]);
    expect(raw.code).not.toBe(0);
    expect(raw.output).toContain(storageLock);
    ok(await project.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(project.sandbox.inspect().leftovers).toEqual([]);
    await project.dispose();

    project = await SandboxProject.fromFile(programFile("pve-vms"), slowStorage, hearthVms(16, "vm"));
    const hearth = await project.pulumi(["up", "--yes", "--skip-preview", "--parallel", "32"]);
    ok(hearth);
    expect(hearth.output).not.toContain("pve-storage-");
    expect(Object.values(project.sandbox.inspect().proxmox.vms).filter((vm) => vm.vmid !== 9000)).toHaveLength(16);
    ok(await project.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(project.sandbox.inspect().leftovers).toEqual([]);
    expect(project.sandbox.inspect().unknownCalls).toEqual([]);
  });
});

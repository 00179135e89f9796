// The Pulumi YAML example (examples/home-lab-yaml) run by the real engine against the sandbox:
// the YAML language host, the component plugin packages/proxmox/pulumi-resource-proxmox (which
// serves @hearth/proxmox's built dist through @pulumi/pulumi's component provider host), and the
// bridged proxmoxve provider for the children. docs/yaml.md.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { SandboxProject, repoRoot } from "./harness.js";

const example = join(repoRoot, "examples/home-lab-yaml");
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@laptop";
const toolchainBin = join(process.env.HEARTH_TOOLCHAIN_DIR ?? join(process.env.HOME ?? "", ".cache/hearth-toolchain"), "bin");

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);

/** The copy's `packages: proxmox:` points at this checkout's package folder (the copy lives elsewhere). */
function pointAtPackage(projectDir: string): void {
  const file = join(projectDir, "Pulumi.yaml");
  const doc = parse(readFileSync(file, "utf8")) as { packages: Record<string, string> };
  expect(doc.packages.proxmox).toBe("../../packages/proxmox");
  doc.packages.proxmox = join(repoRoot, "packages/proxmox");
  writeFileSync(file, stringify(doc));
}

describe("Pulumi YAML: the home lab example against the sandbox", () => {
  it("previews, applies, previews no change and destroys the YAML home lab", async () => {
    expect(existsSync(join(toolchainBin, "pulumi-language-yaml")), "pulumi-language-yaml in the toolchain: run bash scripts/toolchain.sh").toBe(true);
    expect(existsSync(join(repoRoot, "packages/proxmox/dist/index.cjs")), "the plugin runs the built package: npm run build").toBe(true);

    project = await SandboxProject.fromDirectory(example, {}, pointAtPackage);
    const p = project;
    ok(await p.pulumi(["config", "set", "sshKey", KEY]));

    const timings: Record<string, number> = {};
    const timed = async (label: string, args: string[]) => {
      const t0 = Date.now();
      const r = await p.pulumi(args);
      timings[label] = Date.now() - t0;
      return r;
    };

    // The plan: each component under its own type token (docs/yaml.md: Construct returns the URN
    // the class registered, hearth:proxmox:<Class>), and their proxmoxve children.
    const preview = await timed("preview", ["preview", "--json"]);
    ok(preview);
    const plan = JSON.parse(preview.output.slice(preview.output.indexOf("{"))) as { steps: { op: string; urn: string }[] };
    const created = (type: string) => plan.steps.filter((s) => s.op === "create" && s.urn.split("::")[2]?.endsWith(type)).length;
    expect(created("hearth:proxmox:CloudImageTemplate")).toBe(1);
    expect(created("hearth:proxmox:Network")).toBe(1);
    expect(created("hearth:proxmox:FirewallGroup")).toBe(1);
    expect(created("hearth:proxmox:VmFromTemplate")).toBe(2);
    expect(created("proxmoxve:index/vmLegacy:VmLegacy")).toBeGreaterThanOrEqual(3);

    const up = await timed("up", ["up", "--yes", "--skip-preview"]);
    ok(up);
    const state = p.sandbox.inspect().proxmox;
    expect(state.vms["9000"]!.config).toMatchObject({ template: 1 });
    const clones = Object.values(state.vms).filter((vm) => vm.vmid !== 9000);
    expect(clones.map((vm) => vm.config.name).sort()).toEqual(["web-1", "web-2"]);
    for (const vm of clones) expect(vm.status).toBe("running");
    expect(Object.keys(state.firewallGroups)).toHaveLength(1);
    expect(Object.keys(state.sdn.subnets)).toEqual(["lab-10.20.0.0-24"]);
    // Backups point from VM to policy: each VM has its own vzdump job.
    expect(Object.values(state.backupJobs)).toHaveLength(2);

    const outputs = await p.pulumi(["stack", "output", "--json"]);
    ok(outputs);
    const addresses = (JSON.parse(outputs.output) as { addresses: string[] }).addresses;
    expect(addresses).toHaveLength(2);
    for (const a of addresses) expect(a).toMatch(/^10\.20\.0\.\d+$/);

    // A second run changes nothing (the list names each step and property path if it would).
    const t0 = Date.now();
    expect(await p.previewChanges()).toEqual([]);
    timings["preview-no-change"] = Date.now() - t0;

    ok(await timed("destroy", ["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
    expect(p.stateText()).not.toContain(p.sandbox.proxmox.apiToken.split("=")[1]);
    console.log(`[home-lab-yaml] ${Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}s`).join(", ")}`);
  });
});

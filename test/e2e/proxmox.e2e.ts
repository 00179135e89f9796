import { afterEach, describe, expect, it } from "vitest";
import { programFile, SandboxProject } from "./harness.js";

// @muhlba91/pulumi-proxmoxve 8.6.0 proposes `disks[n].speed` on every preview when no disk speed
// is set (muhlba91/pulumi-proxmoxve#664; the Terraform provider does not). The sandbox reproduces
// it faithfully: a raw VmLegacy shows nothing but that known upstream diff, while Hearth's
// components ignore exactly those paths and must preview with no change at all.
const UPSTREAM_SPEED_DIFF = /^disks\[\d+\]\.speed$/;
const onlyKnownUpstreamDiff = (changes: { op: string; paths: string[] }[]): void => {
  for (const c of changes) {
    expect(c.op).toBe("update");
    expect(c.paths.length).toBeGreaterThan(0);
    for (const path of c.paths) expect(path).toMatch(UPSTREAM_SPEED_DIFF);
  }
};

// The programs (test/e2e/programs/*.ts): raw VmLegacy clones (pve-raw, one per entry of `vms`),
// the home components together (pve-home), VMs that keep their template's disk (pve-keep-disk)
// and N VmFromTemplate clones (pve-vms).
const rawVms = (...vms: { name: string; vmId?: number }[]) => ({ config: { vms } });
const tenRaw = rawVms(...Array.from({ length: 10 }, (_, i) => ({ name: `raw-${i + 1}`, vmId: 101 + i })));

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);
// A 2 GB template (what a cloud image gives): the provider's default 8 GB disk and the 10 GB below grow it.
const seeded = { proxmox: { templates: [{ vmid: 9000, name: "debian-12", diskGb: 2 }] } };

describe("proxmoxve: the real engine and provider against the sandbox", () => {
  it("clones a VM: up, no other change than the upstream speed diff, drift reported and reverted, destroy leaves nothing", async () => {
    project = await SandboxProject.fromFile(programFile("pve-raw"), seeded, rawVms({ name: "web-1" }));
    const p = project;
    const up = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(up);
    const vm = p.sandbox.inspect().proxmox.vms["100"];
    expect(vm).toMatchObject({ status: "running", config: { name: "web-1", cores: "2", memory: "2048", ciuser: "ops" } });
    expect(up.output).toContain("10.0.0.100");
    onlyKnownUpstreamDiff(await p.previewChanges());

    p.sandbox.mutate({ api: "proxmox", kind: "vm", id: 100, config: { memory: "8192" } });
    const drift = await p.pulumi(["preview", "--refresh", "--diff"]);
    ok(drift);
    expect(drift.output).toMatch(/dedicated\s*:\s*8192 => 2048/);
    ok(await p.pulumi(["up", "--refresh", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().proxmox.vms["100"]!.config.memory).toBe("2048");

    ok(await p.pulumi(["refresh", "--yes", "--skip-preview"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
    expect(p.stateText()).not.toContain(p.sandbox.proxmox.apiToken.split("=")[1]);
  });

  it("runs the home components (template, SDN network, firewall group, VMs with their backup jobs) and destroys them all", async () => {
    project = await SandboxProject.fromFile(programFile("pve-home"));
    const p = project;
    const up = await p.pulumi(["up", "--yes", "--skip-preview"]);
    ok(up);
    const state = p.sandbox.inspect().proxmox;
    expect(state.vms["9000"]!.config).toMatchObject({ template: 1 });
    const clones = Object.values(state.vms).filter((vm) => vm.vmid !== 9000);
    expect(clones).toHaveLength(2);
    for (const vm of clones) expect(vm.status).toBe("running");
    // The guest agent leases addresses on the SDN subnet the VMs are attached to.
    expect(up.output).toMatch(/"10\.20\.0\.\d+"/);
    expect(Object.keys(state.firewallGroups)).toHaveLength(1);
    expect(Object.keys(state.sdn.subnets)).toEqual(["lab-10.20.0.0-24"]);
    // Backups point from the VM to its policy: one vzdump job per VM, selecting only that VM.
    expect(Object.values(state.backupJobs).map((j) => String(j.vmid)).sort()).toEqual(clones.map((vm) => String(vm.vmid)).sort());
    expect(await p.previewChanges()).toEqual([]);
    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
  });

  it("VmFromTemplate without disks keeps a 10 GB template's disk, where a raw clone fails on the provider's 8 GB default", async () => {
    const tenGb = { proxmox: { templates: [{ vmid: 9000, name: "debian-12", diskGb: 10 }] } };
    project = await SandboxProject.fromFile(programFile("pve-raw"), tenGb, rawVms({ name: "raw-8g" }));
    const raw = await project.pulumi(["up", "--yes", "--skip-preview"]);
    expect(raw.code).not.toBe(0);
    expect(raw.output).toContain("requested size (8G) is lower than current size (10G)");
    await project.dispose();

    project = await SandboxProject.fromFile(programFile("pve-keep-disk"), tenGb);
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const vms = p.sandbox.inspect().proxmox.vms;
    expect(vms["301"]!.config.scsi0).toMatch(/size=10G/);
    expect(vms["302"]!.config.scsi0).toMatch(/size=10G/);
    ok(await p.pulumi(["preview", "--expect-no-changes"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
  });

  // Real Proxmox locks a stopped source SHARED while cloning it (qemu-server API2/Qemu.pm clone_vm,
  // lock_config_shared with 1 s), so raw parallel clones of one template succeed; what they
  // contend for is the target ids and the storage (allocation lock, copy bandwidth).
  it("10 raw clones of one template run side by side and succeed; so do 10 VmFromTemplate clones", async () => {
    project = await SandboxProject.fromFile(programFile("pve-raw"), seeded, tenRaw);
    ok(await project.pulumi(["up", "--yes", "--skip-preview"]));
    const raw = Object.values(project.sandbox.inspect().proxmox.vms).filter((vm) => vm.vmid !== 9000);
    expect(raw.map((vm) => vm.vmid).sort()).toEqual(Array.from({ length: 10 }, (_, i) => 101 + i));
    for (const vm of raw) expect(vm.status).toBe("running");
    ok(await project.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(project.sandbox.inspect().leftovers).toEqual([]);
    await project.dispose();

    project = await SandboxProject.fromFile(programFile("pve-vms"), seeded, { config: { count: 10, firstVmId: 201, templateDiskGb: 2, diskSizeGb: 10 } });
    ok(await project.pulumi(["up", "--yes", "--skip-preview"]));
    const vms = Object.values(project.sandbox.inspect().proxmox.vms).filter((vm) => vm.vmid !== 9000);
    expect(vms).toHaveLength(10);
    for (const vm of vms) expect(vm.status).toBe("running");
    ok(await project.pulumi(["preview", "--expect-no-changes"]));
    ok(await project.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(project.sandbox.inspect().leftovers).toEqual([]);
    expect(project.sandbox.inspect().unknownCalls).toEqual([]);
  });

  // The lock timeouts real users hit (bpg/terraform-provider-proxmox #1521, #995): the clone's
  // target id, the storage's allocation lock, a VM's config lock.
  it("with lock timeouts of the real kinds, up completes or fails with Proxmox's text; a clean up and destroy then leave nothing", async () => {
    project = await SandboxProject.fromFile(programFile("pve-raw"), { ...seeded, faults: { lockTimeoutRate: 0.3, storageLockTimeoutRate: 0.2, configLockTimeoutRate: 0.1, seed: 5 } }, tenRaw);
    const p = project;
    const faulty = await p.pulumi(["up", "--yes", "--skip-preview"]);
    if (faulty.code !== 0) expect(faulty.output).toMatch(/can't lock file '\/var\/lock\/(qemu-server\/lock-\d+\.conf|pve-manager\/pve-storage-local-lvm)' - got timeout/);
    const injected = p.sandbox.inspect().faults;
    expect(injected.lockTimeouts + injected.storageLockTimeouts + injected.configLockTimeouts).toBeGreaterThan(0);

    p.sandbox.setFaults({});
    ok(await p.pulumi(["up", "--refresh", "--yes", "--skip-preview"]));
    expect(Object.values(p.sandbox.inspect().proxmox.vms).filter((vm) => vm.vmid !== 9000 && vm.status === "running")).toHaveLength(10);
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
  });
});

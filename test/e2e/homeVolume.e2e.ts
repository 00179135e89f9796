import { afterEach, describe, expect, it } from "vitest";
import { programFile, SandboxProject } from "./harness.js";

// @hearth/proxmox's Volume (a stopped "data VM" owning the disk) attached to a VmFromTemplate,
// with the real engine and the bridged proxmoxve plugin against the sandbox, whose destroy frees
// only the volumes a guest owns (qemu-server QemuServer.pm destroy_vm; sandbox proxmox/ownership.ts).
const seeded = { proxmox: { taskMs: 50, templates: [{ vmid: 9000, name: "debian-12", diskGb: 2 }] } };
const VOLUME = "local-lvm:vm-900-disk-0";

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);

describe("Proxmox Volume: the real engine and provider against the sandbox", () => {
  it("keeps its id and data across a replacement of the VM, refuses to go by default, and leaves nothing once unprotected", async () => {
    project = await SandboxProject.fromFile(programFile("pve-home-volume"), seeded, { config: { appVmId: 301 } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    let pve = p.sandbox.inspect().proxmox;
    // The data VM owns the volume, is never started and carries Proxmox's protection flag.
    expect(pve.vms[900]?.status).toBe("stopped");
    expect(String(pve.vms[900]?.config.protection)).toBe("1");
    expect(String(pve.vms[900]?.config.scsi0)).toMatch(/^local-lvm:vm-900-disk-0,.*size=2G/);
    // The VM attaches it after its own boot disk.
    expect(pve.vms[301]?.status).toBe("running");
    expect(String(pve.vms[301]?.config.scsi0)).toMatch(/^local-lvm:vm-301-disk-0/);
    expect(String(pve.vms[301]?.config.scsi1)).toMatch(/^local-lvm:vm-900-disk-0,.*size=2G/);
    const outputs = JSON.parse((await p.pulumi(["stack", "output", "--json"])).output) as Record<string, unknown>;
    expect(outputs).toMatchObject({ volumeId: VOLUME, volumeSizeGb: 2, appVmId: 301 });

    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    // Drift on the data VM (its protection flag cleared by hand) is reported and reverted.
    p.sandbox.mutate({ api: "proxmox", kind: "vm", id: 900, config: { protection: 0 } });
    expect(await p.previewChanges(["--refresh"])).toContainEqual(expect.objectContaining({ op: "update", name: "data" }));
    ok(await p.pulumi(["up", "--yes", "--skip-preview", "--refresh"]));
    expect(String(p.sandbox.inspect().proxmox.vms[900]?.config.protection)).toBe("1");
    ok(await p.pulumi(["preview", "--refresh", "--expect-no-changes"]));

    // The guest writes onto the volume; then a new VM id replaces the VM.
    p.sandbox.writeVolumeData(VOLUME, "marker-1");
    p.setConfig({ appVmId: 302 });
    const plan = await p.previewChanges();
    expect(plan.filter((s) => s.name === "data")).toEqual([]);
    expect(plan).toContainEqual(expect.objectContaining({ op: "replace", name: "app" }));
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    pve = p.sandbox.inspect().proxmox;
    expect(pve.vms[301]).toBeUndefined();
    expect(String(pve.vms[302]?.config.scsi1)).toMatch(/^local-lvm:vm-900-disk-0,/);
    expect(p.sandbox.readVolumeData(VOLUME)).toBe("marker-1");
    expect(JSON.parse((await p.pulumi(["stack", "output", "--json"])).output)).toMatchObject({ volumeId: VOLUME, appVmId: 302 });
    ok(await p.pulumi(["preview", "--refresh", "--expect-no-changes"]));

    // A destroy with the defaults refuses to delete the volume: Pulumi's protect.
    const refused = await p.pulumi(["destroy", "--yes", "--skip-preview"]);
    expect(refused.code).not.toBe(0);
    expect(refused.output).toMatch(/protected/);
    pve = p.sandbox.inspect().proxmox;
    expect(pve.vms[900]).toBeDefined();
    expect(p.sandbox.readVolumeData(VOLUME)).toBe("marker-1");

    // deleteProtection: false lifts both protections; then destroy leaves nothing.
    p.setConfig({ deleteProtection: false });
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    expect(String(p.sandbox.inspect().proxmox.vms[900]?.config.protection)).toBe("0");
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    const after = p.sandbox.inspect();
    expect(after.proxmox.vms[900]).toBeUndefined();
    expect(() => p.sandbox.readVolumeData(VOLUME)).toThrow("does not exist");
    expect(after.leftovers).toEqual([]);
    expect(after.unknownCalls).toEqual([]);
  });

  it("a container mounts a Volume; replacing the container keeps the volume and its data", async () => {
    project = await SandboxProject.fromFile(programFile("pve-ct-volume"), { proxmox: { taskMs: 50 } }, { config: { ctVmId: 320, templateUrl: "https://images.example/debian-12-standard_12.7-1_amd64.tar.zst" } });
    const p = project;
    const FILES = "local-lvm:vm-901-disk-0";
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    let pve = p.sandbox.inspect().proxmox;
    expect(String(pve.containers?.[320]?.config.mp0)).toMatch(/^local-lvm:vm-901-disk-0,mp=\/srv\/files/);
    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    p.sandbox.writeVolumeData(FILES, "files-marker");
    p.setConfig({ ctVmId: 321 });
    const plan = await p.previewChanges();
    expect(plan.filter((s) => s.name === "files")).toEqual([]);
    expect(plan).toContainEqual(expect.objectContaining({ op: "replace", name: "fileserver" }));
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    pve = p.sandbox.inspect().proxmox;
    expect(pve.containers?.[320]).toBeUndefined();
    expect(String(pve.containers?.[321]?.config.mp0)).toMatch(/^local-lvm:vm-901-disk-0,/);
    expect(p.sandbox.readVolumeData(FILES)).toBe("files-marker");
    ok(await p.pulumi(["preview", "--refresh", "--expect-no-changes"]));

    p.setConfig({ deleteProtection: false });
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    const after = p.sandbox.inspect();
    expect(() => p.sandbox.readVolumeData(FILES)).toThrow("does not exist");
    expect(after.leftovers).toEqual([]);
    expect(after.unknownCalls).toEqual([]);
  });
});

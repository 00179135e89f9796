import { afterEach, describe, expect, it } from "vitest";
import { programFile, SandboxProject } from "./harness.js";

// @hearth/proxmox's Storage, HighAvailability and Replication with the real engine and the bridged
// proxmoxve plugin (bpg/terraform-provider-proxmox: proxmox_virtual_environment_storage_*,
// _haresource, _harule, _replication) against the sandbox's /storage, /cluster/ha and
// /cluster/replication endpoints.
const PBS_PASSWORD = "pbs-sandbox-password-not-real";
const PBS_FINGERPRINT = Array.from({ length: 32 }, (_, i) => ((i * 37 + 11) % 256).toString(16).padStart(2, "0")).join(":");

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);
const seeded = { proxmox: { nodes: ["pve1", "pve2"], templates: [{ vmid: 9000, name: "debian-12", diskGb: 2 }], taskMs: 50 } };

describe("Storage, HighAvailability and Replication: the real engine and provider against the sandbox", () => {
  it("defines storages (PBS secrets kept out of state), makes a VM and a container highly available, replicates the VM on ZFS; no-change preview; drift reverted; destroy leaves nothing", async () => {
    project = await SandboxProject.fromFile(programFile("pve-resilience"), seeded, { secrets: { pbsPassword: PBS_PASSWORD, pbsFingerprint: PBS_FINGERPRINT } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const pve = p.sandbox.inspect().proxmox;
    expect(pve.storageConfig).toMatchObject({
      dumps: { type: "dir", path: "/mnt/dumps", content: "backup" },
      nas: { type: "nfs", server: "nas.lan", export: "/export/pve", options: "vers=4.2", path: "/mnt/pve/nas" },
      pbs: { type: "pbs", server: "pbs.lan", datastore: "main", username: "backup@pbs" },
      tank: { type: "zfspool", pool: "tank/vm", sparse: "1", nodes: "pve1,pve2" },
    });
    expect(String(pve.storageConfig!.nas!.content).split(",").sort()).toEqual(["iso", "vztmpl"]);
    expect(String(pve.vms[100]!.config.scsi0)).toMatch(/^tank:vm-100-disk-0/);
    expect(pve.ha!.resources).toEqual({
      "vm:100": expect.objectContaining({ type: "vm", state: "started", max_restart: 2, max_relocate: 1, comment: "Managed by Hearth" }),
      "ct:320": expect.objectContaining({ type: "ct", state: "started" }),
    });
    expect(pve.ha!.rules["hearth-db-nodes"]).toMatchObject({ type: "node-affinity", resources: "vm:100" });
    expect(String(pve.ha!.rules["hearth-db-nodes"]!.nodes).split(",").sort()).toEqual(["pve1:2", "pve2:1"]);
    expect(pve.ha!.rules["hearth-cache-apart"]).toMatchObject({ type: "resource-affinity", affinity: "negative" });
    expect(String(pve.ha!.rules["hearth-cache-apart"]!.resources).split(",").sort()).toEqual(["ct:320", "vm:100"]);
    expect(pve.replication!["100-0"]).toMatchObject({ target: "pve2", guest: 100, schedule: "*/30", rate: 50, source: "pve1" });
    expect(Object.values(pve.backupJobs).map((j) => j.storage)).toEqual(["pbs"]);

    // The PBS password and fingerprint are secrets: nowhere in the state in clear text, nor in what Proxmox returns.
    const state = p.stateText();
    expect(state).not.toContain(PBS_PASSWORD);
    expect(state).not.toContain(PBS_FINGERPRINT);
    expect(JSON.stringify(p.sandbox.inspect())).not.toContain(PBS_PASSWORD);

    // Nothing to change but the VM's known upstream disk-speed diff (muhlba91/pulumi-proxmoxve#664; see proxmox.e2e.ts).
    const changes = await p.previewChanges();
    expect(changes.flatMap((c) => c.paths.filter((path) => !/^disks\[\d+\]\.speed$/.test(path)).map((path) => `${c.name} ${path}`))).toEqual([]);

    // Drift on the HA resource, a rule and the replication job is reported and reverted.
    p.sandbox.mutate({ api: "proxmox", kind: "haResource", id: "vm:100", set: { max_restart: 5 } });
    p.sandbox.mutate({ api: "proxmox", kind: "haResource", id: "ct:320", set: { state: "disabled" } });
    p.sandbox.mutate({ api: "proxmox", kind: "replicationJob", id: "100-0", set: { rate: 10 } });
    const drift = await p.pulumi(["preview", "--refresh", "--diff"]);
    ok(drift);
    expect(drift.output).toMatch(/maxRestart\s*:\s*5 => 2/);
    expect(drift.output).toMatch(/state\s*:\s*"disabled" => "started"/);
    expect(drift.output).toMatch(/rate\s*:\s*10 => 50/);
    ok(await p.pulumi(["up", "--refresh", "--yes", "--skip-preview"]));
    const after = p.sandbox.inspect().proxmox;
    expect(after.ha!.resources["vm:100"]!.max_restart).toBe(2);
    expect(after.ha!.resources["ct:320"]!.state).toBe("started");
    expect(after.replication!["100-0"]!.rate).toBe(50);

    // A node failure: the HA manager fences pve1 and recovers the VM on pve2 (pve-ha-manager
    // Manager.pm next_state_recovery -> Env/PVE2.pm steal_service), as the sandbox moves it here.
    p.sandbox.mutate({ api: "proxmox", kind: "vm", id: 100, node: "pve2" });
    // Without ignoreChanges on nodeName, a refreshing preview plans to replace the VM (the provider
    // recreates a VM whose node_name differs unless `migrate` is set: bpg proxmoxtf/resource/vm/vm.go).
    p.setConfig({ followHaNode: false });
    const unsafe = await p.previewChanges(["--refresh"]);
    expect(unsafe).toContainEqual(expect.objectContaining({ op: "replace", name: "db" }));
    // With it (the runbook's advice), the VM is left where HA put it: nothing is replaced.
    p.setConfig({ followHaNode: true });
    const safe = await p.previewChanges(["--refresh"]);
    expect(safe.filter((c) => c.op !== "refresh" && c.op !== "update")).toEqual([]);
    // Refresh records the new node; the component's `node` output reads pve2 from then on.
    ok(await p.pulumi(["refresh", "--yes", "--skip-preview"]));
    expect(p.stateText()).toMatch(/"nodeName":\s*"pve2"/);
    expect(await p.previewChanges()).not.toContainEqual(expect.objectContaining({ op: "replace" }));

    // A container's node is not re-read: the provider reads its config on the node in the state
    // (bpg proxmoxtf/resource/container/container.go containerRead), which after a failover says
    // "does not exist", so a refresh drops it from the state and `up` would create it again.
    p.sandbox.mutate({ api: "proxmox", kind: "container", id: 320, node: "pve2" });
    expect(await p.previewChanges(["--refresh"])).toContainEqual(expect.objectContaining({ op: "create", name: "cache" }));
    // Once it is back on its node (failback, or migrated back), nothing is left to change.
    p.sandbox.mutate({ api: "proxmox", kind: "container", id: 320, node: "pve1" });
    expect((await p.previewChanges(["--refresh"])).filter((c) => c.op === "create" || c.op === "replace" || c.op === "delete")).toEqual([]);

    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    const gone = p.sandbox.inspect();
    expect(gone.proxmox.ha?.resources ?? {}).toEqual({});
    expect(gone.proxmox.ha?.rules ?? {}).toEqual({});
    expect(gone.proxmox.replication ?? {}).toEqual({});
    expect(gone.proxmox.storageConfig ?? {}).toEqual({});
    expect(gone.leftovers).toEqual([]);
    expect(gone.unknownCalls).toEqual([]);
  });

  it("refuses replication of a guest on a storage the program defines as LVM-thin before anything is registered", async () => {
    const program = `
const pve = require("@hearth/proxmox");
const lvm = new pve.Storage("fast", { type: "lvmThin", lvmThin: { volumeGroup: "pve", thinPool: "fast" } });
new pve.Replication("web-to-pve2", { guestId: 101, targetNode: "pve2", storages: ["fast"] });
`;
    project = await SandboxProject.create("pve-replication-refused", program, { proxmox: { nodes: ["pve1", "pve2"] } });
    const p = project;
    // `up` previews first: the program fails there, so not even the Storage before it is created.
    const up = await p.pulumi(["up", "--yes"]);
    expect(up.code).not.toBe(0);
    expect(up.output).toContain('Replication "web-to-pve2": storages[0] "fast"');
    expect(up.output).toContain("Proxmox replicates ZFS volumes only");
    const after = p.sandbox.inspect();
    expect(after.proxmox.storageConfig ?? {}).toEqual({});
    expect(after.proxmox.replication ?? {}).toEqual({});
    expect(after.unknownCalls).toEqual([]);
  });
});

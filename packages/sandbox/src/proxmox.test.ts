import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatSize, guestAddress, parseSize } from "./proxmox.js";
import { startSandbox, type Sandbox } from "./server.js";
import { call, waitFor } from "./testClient.js";

let sb: Sandbox;
const api = (path: string): string => `${sb.proxmox.endpoint}api2/json${path}`;
const auth = (): Record<string, string> => ({ Authorization: `PVEAPIToken=${sb.proxmox.apiToken}` });
const get = (path: string) => call(api(path), { headers: auth() });
const post = (path: string, form: Record<string, string | number> = {}) => call(api(path), { method: "POST", headers: auth(), form });
const put = (path: string, form: Record<string, string | number>) => call(api(path), { method: "PUT", headers: auth(), form });
const del = (path: string) => call(api(path), { method: "DELETE", headers: auth() });

/** Wait for a task like the provider does, and return its final status. */
async function waitTask(upid: string): Promise<{ status: string; exitstatus: string }> {
  return waitFor(async () => {
    const res = await get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`);
    expect(res.status).toBe(200);
    return res.body.data.status === "stopped" ? res.body.data : undefined;
  });
}

describe("Proxmox VE emulator", () => {
  beforeEach(async () => {
    sb = await startSandbox({ proxmox: { templates: [{ vmid: 9000, name: "debian-12" }], taskMs: 250 } });
  });
  afterEach(async () => {
    await sb.stop();
  });

  it("serves https with a self-signed certificate and rejects wrong tokens with 401", async () => {
    expect(sb.proxmox.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(sb.proxmox.apiToken).toMatch(/^[^@]+@[^!]+![^=]+=.+$/);
    const ok = await get("/version");
    expect(ok.status).toBe(200);
    expect(ok.body.data).toEqual({ version: "9.1.9", release: "9.1", repoid: "ee7bad0a3d1546c9" });
    const wrong = await call(api("/version"), { headers: { Authorization: "PVEAPIToken=root@pam!x=nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ data: null, message: "invalid token value!\n" });
    const missing = await call(api("/version"));
    expect(missing.status).toBe(401);
  });

  it("runs the provider's clone flow end to end", async () => {
    const next = await get("/cluster/nextid");
    expect(next.body).toEqual({ data: "100" });
    const clone = await post("/nodes/pve1/qemu/9000/clone", { newid: 100, name: "web-1", full: 1, target: "pve1", storage: "local-lvm" });
    expect(clone.status).toBe(200);
    const upid: string = clone.body.data;
    expect(upid).toMatch(/^UPID:pve1:[0-9A-F]{8}:[0-9A-F]{8}:[0-9A-F]{8}:qmclone:9000:root@pam!hearth-sandbox:$/);
    // The target exists and is locked while the clone runs; nextid moves on.
    const during = await get("/nodes/pve1/qemu/100/status/current");
    expect(during.body.data.lock).toBe("clone");
    expect((await get("/cluster/nextid")).body.data).toBe("101");
    expect(await waitTask(upid)).toMatchObject({ exitstatus: "OK" });
    expect((await get("/nodes/pve1/qemu/100/status/current")).body.data.lock).toBeUndefined();
    const log = await get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/log`);
    expect(log.body.data.at(-1)).toEqual({ n: log.body.data.length, t: "TASK OK" });

    expect((await put("/nodes/pve1/qemu/100/config", { cores: 2, memory: 2048, ciuser: "ops", cipassword: "s3cret", ipconfig0: "ip=10.20.0.5/24,gw=10.20.0.1", agent: "enabled=1", net1: "virtio,bridge=vmbr1,firewall=1", net2: "model=e1000,bridge=vmbr0,firewall=0", ide3: "file=cdrom,media=cdrom,", delete: "vga" })).status).toBe(200);
    const config = (await get("/nodes/pve1/qemu/100/config")).body.data;
    expect(config).toMatchObject({ name: "web-1", cores: 2, memory: 2048, ciuser: "ops", scsi0: "local-lvm:vm-100-disk-0,size=2G", ide2: "local-lvm:vm-100-cloudinit,media=cdrom" });
    expect(config.vga).toBeUndefined();
    expect(config.cipassword).toBe("**********");
    expect(JSON.stringify(sb.inspect())).not.toContain("s3cret");
    expect(config.template).toBeUndefined();
    expect(config.net1).toMatch(/^virtio=BC:24:11:[0-9A-F:]{8},bridge=vmbr1,firewall=1$/);
    expect(config.net2).toMatch(/^e1000=BC:24:11:[0-9A-F:]{8},bridge=vmbr0,firewall=0$/);
    expect(config.ide3).toBe("cdrom,media=cdrom");
    expect(config.digest).toMatch(/^[0-9a-f]{40}$/);

    expect(await waitTask((await put("/nodes/pve1/qemu/100/resize", { disk: "scsi0", size: "20G" })).body.data)).toMatchObject({ exitstatus: "OK" });
    expect((await get("/nodes/pve1/qemu/100/config")).body.data.scsi0).toBe("local-lvm:vm-100-disk-0,size=20G");
    const volume = await get(`/nodes/pve1/storage/local-lvm/content/${encodeURIComponent("local-lvm:vm-100-disk-0")}`);
    expect(volume.body.data).toMatchObject({ size: 20 * 1024 ** 3, format: "raw" });
    expect((await get("/nodes/pve1/storage/local-lvm/content?vmid=100")).body.data.map((v: { volid: string }) => v.volid).sort()).toEqual(["local-lvm:vm-100-cloudinit", "local-lvm:vm-100-disk-0"]);
    expect(await waitTask((await put("/nodes/pve1/qemu/100/resize", { disk: "scsi0", size: "+2G" })).body.data)).toMatchObject({ exitstatus: "OK" });
    // resize_vm checks inside its task: a shrink is a failed task, not an HTTP error.
    const shrink = await put("/nodes/pve1/qemu/100/resize", { disk: "scsi0", size: "10G" });
    expect(shrink.status).toBe(200);
    expect(await waitTask(shrink.body.data)).toMatchObject({ exitstatus: "shrinking disks is not supported" });

    const notRunning = await get("/nodes/pve1/qemu/100/agent/network-get-interfaces");
    expect(notRunning.status).toBe(500);
    expect(notRunning.statusText).toBe("VM 100 is not running");

    expect(await waitTask((await post("/nodes/pve1/qemu/100/status/start")).body.data)).toMatchObject({ exitstatus: "OK" });
    const status = (await get("/nodes/pve1/qemu/100/status/current")).body.data;
    expect(status).toMatchObject({ status: "running", vmid: 100, name: "web-1", cpus: 2, maxmem: 2048 * 1024 * 1024, maxdisk: 22 * 1024 ** 3, agent: 1 });
    // The guest agent answers once the guest has booted (bootMs, 20 s real, 400 ms here).
    const booting = await get("/nodes/pve1/qemu/100/agent/network-get-interfaces");
    expect(booting.status).toBe(500);
    expect(booting.statusText).toBe("QEMU guest agent is not running");
    const nics = (await waitFor(async () => {
      const res = await get("/nodes/pve1/qemu/100/agent/network-get-interfaces");
      return res.status === 200 ? res : undefined;
    })).body.data.result;
    expect(nics.map((n: { name: string }) => n.name)).toEqual(["lo", "eth0", "eth1", "eth2"]);
    expect(nics[1]["ip-addresses"][0]).toEqual({ "ip-address-type": "ipv4", "ip-address": "10.20.0.5", prefix: 24 });
    expect(nics[2]["ip-addresses"][0]["ip-address"]).toBe("10.1.0.100");
    expect(nics[1]["hardware-address"]).toBe(String(config.net0).split(",")[0]!.split("=")[1]!.toLowerCase());

    const resources = (await get("/cluster/resources?type=vm")).body.data;
    expect(resources).toContainEqual(expect.objectContaining({ id: "qemu/100", vmid: 100, node: "pve1", status: "running", template: 0, name: "web-1" }));
    expect(resources).toContainEqual(expect.objectContaining({ id: "qemu/9000", template: 1 }));

    const running = await del("/nodes/pve1/qemu/100?purge=1&destroy-unreferenced-disks=1");
    expect(running.status).toBe(500);
    expect(running.statusText).toBe("VM 100 is running - destroy failed");
    expect(await waitTask((await post("/nodes/pve1/qemu/100/status/stop")).body.data)).toMatchObject({ exitstatus: "OK" });
    expect(await waitTask((await del("/nodes/pve1/qemu/100?purge=1&destroy-unreferenced-disks=1")).body.data)).toMatchObject({ exitstatus: "OK" });
    const gone = await get("/nodes/pve1/qemu/100/config");
    expect(gone.status).toBe(500);
    expect(gone.statusText).toBe("Configuration file 'nodes/pve1/qemu-server/100.conf' does not exist");
    expect(sb.inspect().leftovers).toEqual([]);
    expect(sb.inspect().unknownCalls).toEqual([]);
  });

  it("clones one template several times at once: a stopped source is locked shared, the copies share the storage's bandwidth", async () => {
    await sb.stop();
    // 2 GiB at 400 MiB/s is 5.12 s alone; at timeScale 0.02 about 100 ms.
    sb = await startSandbox({ proxmox: { templates: [{ vmid: 9000 }], taskMs: 50 } });
    const t0 = performance.now();
    const solo = await post("/nodes/pve1/qemu/9000/clone", { newid: 100, full: 1 });
    expect((await waitTask(solo.body.data)).exitstatus).toBe("OK");
    const soloMs = performance.now() - t0;
    const t1 = performance.now();
    const ups = await Promise.all([101, 102, 103].map((id) => post("/nodes/pve1/qemu/9000/clone", { newid: id, name: `c${id}`, full: 1 })));
    const results = await Promise.all(ups.map((u) => waitTask(u.body.data)));
    const parallelMs = performance.now() - t1;
    expect(results.map((r) => r.exitstatus)).toEqual(["OK", "OK", "OK"]);
    // Three copies on one storage take about three times as long as one, all finishing together.
    expect(parallelMs).toBeGreaterThan(2 * soloMs);
    expect(parallelMs).toBeLessThan(6 * soloMs);
    const log = (await get(`/nodes/pve1/tasks/${encodeURIComponent(ups[0]!.body.data)}/log`)).body.data.map((l: { t: string }) => l.t);
    expect(log).toEqual([
      "creating a clone of VM 9000 with ID 101",
      "create full clone of drive ide2 (local-lvm:vm-9000-cloudinit)",
      "allocated target volume 'local-lvm:vm-101-cloudinit'",
      "create full clone of drive scsi0 (local-lvm:base-9000-disk-0)",
      "allocated target volume 'local-lvm:vm-101-disk-0'",
      "transferred 2G of 2G (100.00%)",
      "TASK OK",
    ]);
  });

  it("two clones to one new id: once the first task has written the new config, the second request is refused", async () => {
    const a = await post("/nodes/pve1/qemu/9000/clone", { newid: 101, name: "a", full: 1 });
    expect(a.status).toBe(200);
    // clone_vm's early check (`-f $conffile`) runs in the request: an HTTP error, no task.
    const b = await post("/nodes/pve1/qemu/9000/clone", { newid: 101, name: "b", full: 1 });
    expect(b.status).toBe(500);
    expect(b.statusText).toBe("unable to create VM 101: config file already exists");
    expect(b.body).toEqual({ data: null, message: "unable to create VM 101: config file already exists\n" });
    expect((await waitTask(a.body.data)).exitstatus).toBe("OK");
    expect((await get("/nodes/pve1/qemu/101/config")).body.data.name).toBe("a");
  });

  it("a running source is locked exclusively: a second clone of it times out on the source lock after 1 s; the repeated check in the task has no prefix", async () => {
    const first = await post("/nodes/pve1/qemu/9000/clone", { newid: 100, full: 1 });
    expect((await waitTask(first.body.data)).exitstatus).toBe("OK");
    expect((await waitTask((await post("/nodes/pve1/qemu/100/status/start")).body.data)).exitstatus).toBe("OK");
    // c holds VM 100 exclusively while it copies (about 100 ms); a waits for it 1 s (20 ms) and gives up.
    const c = await post("/nodes/pve1/qemu/100/clone", { newid: 102 });
    const a = await post("/nodes/pve1/qemu/100/clone", { newid: 101 });
    // a passed its early check (101 did not exist); b now takes 101 first.
    const b = await post("/nodes/pve1/qemu/9000/clone", { newid: 101, full: 1 });
    expect([c.status, a.status, b.status]).toEqual([200, 200, 200]);
    const [rc, ra, rb] = await Promise.all([waitTask(c.body.data), waitTask(a.body.data), waitTask(b.body.data)]);
    expect(rc.exitstatus).toBe("OK");
    expect(rb.exitstatus).toBe("OK");
    expect(ra.exitstatus).toBe("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
    const log = (await get(`/nodes/pve1/tasks/${encodeURIComponent(a.body.data)}/log`)).body.data;
    expect(log.at(-1).t).toBe("TASK ERROR: can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
    // With a longer wait (10 s scaled is not a clone's 1 s), the task would get the lock and find 101 taken:
    // the same early-check text, now as the task's exit status.
    const again = await post("/nodes/pve1/qemu/100/clone", { newid: 103 });
    const dup = await post("/nodes/pve1/qemu/9000/clone", { newid: 103, full: 1 });
    expect(dup.statusText).toBe("unable to create VM 103: config file already exists");
    expect((await waitTask(again.body.data)).exitstatus).toBe("OK");
  });

  it("takes the new id only when the clone task writes its config, so nextid hands it out until then", async () => {
    await sb.stop();
    sb = await startSandbox({ proxmox: { templates: [{ vmid: 9000 }] }, faults: { slowTaskMs: 0 } });
    const clone = await post("/nodes/pve1/qemu/9000/clone", { newid: 100, full: 1 });
    // The task has started and holds the target lock: the temporary config `lock: clone` exists.
    expect((await get("/nodes/pve1/qemu/100/status/current")).body.data.lock).toBe("clone");
    expect((await get("/nodes/pve1/qemu/100/config")).body.data.lock).toBe("clone");
    expect((await get("/cluster/nextid")).body.data).toBe("101");
    expect((await waitTask(clone.body.data)).exitstatus).toBe("OK");
    expect((await get("/nodes/pve1/qemu/100/config")).body.data.lock).toBeUndefined();
  });

  it("a config update waits for the VM's config lock (10 s) and fails with Proxmox's text when it cannot get it", async () => {
    // The template is locked shared by the clone; PUT config needs it exclusively and waits.
    const clone = await post("/nodes/pve1/qemu/9000/clone", { newid: 100, full: 1 });
    await waitFor(async () => sb.inspect().proxmox.vms[100]);
    const t0 = performance.now();
    expect((await put("/nodes/pve1/qemu/9000/config", { description: "golden" })).status).toBe(200);
    expect(performance.now() - t0).toBeGreaterThan(20);
    expect((await waitTask(clone.body.data)).exitstatus).toBe("OK");
    sb.setFaults({ configLockTimeoutRate: 1 });
    const timedOut = await put("/nodes/pve1/qemu/100/config", { cores: 2 });
    expect(timedOut.status).toBe(500);
    expect(timedOut.statusText).toBe("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
    const start = await post("/nodes/pve1/qemu/100/status/start");
    expect(start.status).toBe(200);
    expect((await waitTask(start.body.data)).exitstatus).toBe("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
    expect(sb.inspect().faults.configLockTimeouts).toBe(2);
  });

  it("holds the storage lock only while allocating: a second clone allocates while the first copies for longer than the lock's timeout", async () => {
    await sb.stop();
    // timeScale 0.01: the storage lock's 10 s timeout is 100 ms; a 2 GiB copy at 40 MiB/s (51 s) about 500 ms.
    sb = await startSandbox({ proxmox: { templates: [{ vmid: 9000 }], timeScale: 0.01, copyMiBps: { "local-lvm": 40 } } });
    const a = await post("/nodes/pve1/qemu/9000/clone", { newid: 100, full: 1 });
    await new Promise((r) => setTimeout(r, 150));
    const b = await post("/nodes/pve1/qemu/9000/clone", { newid: 101, full: 1 });
    const [ra, rb] = await Promise.all([waitTask(a.body.data), waitTask(b.body.data)]);
    expect([ra.exitstatus, rb.exitstatus]).toEqual(["OK", "OK"]);
  });

  it("fails a clone on a storage-lock timeout with the clone failed: prefix and removes the new config", async () => {
    sb.setFaults({ storageLockTimeoutRate: 1 });
    const clone = await post("/nodes/pve1/qemu/9000/clone", { newid: 100, full: 1 });
    expect((await waitTask(clone.body.data)).exitstatus).toBe("clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout");
    expect(sb.inspect().proxmox.vms[100]).toBeUndefined();
    expect(sb.inspect().faults.storageLockTimeouts).toBe(1);
  });

  it("refuses a locked VM with check_lock's text, and a linked clone of a volume that is not a template's base", async () => {
    // A config left with `lock: backup` (as vzdump writes it) is refused by clone, config updates and start.
    sb.mutate({ api: "proxmox", kind: "vm", id: 9000, config: { lock: "backup" } });
    expect((await post("/nodes/pve1/qemu/9000/clone", { newid: 100 })).statusText).toBe("VM is locked (backup)");
    expect((await put("/nodes/pve1/qemu/9000/config", { cores: 2 })).statusText).toBe("VM is locked (backup)");
    sb.mutate({ api: "proxmox", kind: "vm", id: 9000, config: { lock: null } });
    const clone = await post("/nodes/pve1/qemu/9000/clone", { newid: 100, full: 0 });
    expect((await waitTask(clone.body.data)).exitstatus).toBe("OK");
    expect(sb.inspect().proxmox.vms[100]!.config.scsi0).toBe("local-lvm:base-9000-disk-0/vm-100-disk-0,size=2G");
    const linkedOfVm = await post("/nodes/pve1/qemu/100/clone", { newid: 101, full: 0 });
    expect(linkedOfVm.status).toBe(500);
    expect(linkedOfVm.statusText).toBe("Linked clone feature is not supported for 'local-lvm:base-9000-disk-0/vm-100-disk-0' (scsi0)");
  });

  it("purging a VM removes it from backup jobs and deletes a job left empty; a missing job is 400 No such job", async () => {
    for (const id of [100, 101]) expect((await waitTask((await post("/nodes/pve1/qemu/9000/clone", { newid: id })).body.data)).exitstatus).toBe("OK");
    await post("/cluster/backup", { id: "both", schedule: "02:00", storage: "local", vmid: "100,101" });
    await post("/cluster/backup", { id: "only101", schedule: "03:00", storage: "local", vmid: "101" });
    // Without purge the jobs keep the id.
    expect((await waitTask((await del("/nodes/pve1/qemu/100")).body.data)).exitstatus).toBe("OK");
    expect((await get("/cluster/backup/both")).body.data.vmid).toBe("100,101");
    expect((await waitTask((await del("/nodes/pve1/qemu/101?purge=1")).body.data)).exitstatus).toBe("OK");
    expect((await get("/cluster/backup/both")).body.data.vmid).toBe("100");
    const missing = await get("/cluster/backup/only101");
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ data: null, message: "Parameter verification failed.\n", errors: { id: "No such job 'only101'" } });
    expect((await del("/cluster/backup/only101")).status).toBe(400);
    expect((await put("/cluster/backup/only101", { schedule: "04:00" })).statusText).toBe("no such vzdump job");
    // A valid job id (pve-configid: two characters or more), so the schema check passes and the handler answers.
    const noSchedule = await post("/cluster/backup", { id: "nosched", storage: "local", vmid: "100" });
    expect(noSchedule.body.errors).toEqual({ schedule: "neither 'starttime' nor 'schedule' were set" });
    await del("/cluster/backup/both");
  });

  it("a clone copies the source VM's firewall config (rules and options)", async () => {
    await post("/nodes/pve1/qemu/9000/firewall/rules", { type: "in", action: "ACCEPT", proto: "tcp", dport: "22", enable: 1 });
    await put("/nodes/pve1/qemu/9000/firewall/options", { enable: 1, policy_in: "DROP" });
    expect((await waitTask((await post("/nodes/pve1/qemu/9000/clone", { newid: 100 })).body.data)).exitstatus).toBe("OK");
    expect((await get("/nodes/pve1/qemu/100/firewall/rules")).body.data).toEqual([{ type: "in", action: "ACCEPT", proto: "tcp", dport: "22", enable: 1, pos: 0 }]);
    expect((await get("/nodes/pve1/qemu/100/firewall/options")).body.data).toMatchObject({ enable: 1, policy_in: "DROP" });
    // A copy, not a shared reference: changing the clone leaves the template alone.
    await del("/nodes/pve1/qemu/100/firewall/rules/0");
    expect((await get("/nodes/pve1/qemu/9000/firewall/rules")).body.data).toHaveLength(1);
  });

  it("a running VM takes hot-pluggable changes at once and keeps the others pending until the next start", async () => {
    expect((await waitTask((await post("/nodes/pve1/qemu/9000/clone", { newid: 100 })).body.data)).exitstatus).toBe("OK");
    expect((await waitTask((await post("/nodes/pve1/qemu/100/status/start")).body.data)).exitstatus).toBe("OK");
    expect((await put("/nodes/pve1/qemu/100/config", { cores: 4, memory: 4096, description: "web", net0: "virtio,bridge=vmbr0,tag=30", delete: "serial0" })).status).toBe(200);
    const current = (await get("/nodes/pve1/qemu/100/config?current=1")).body.data;
    expect(current).toMatchObject({ cores: 1, memory: 1024, description: "web", serial0: "socket" });
    expect(current.net0).toMatch(/,bridge=vmbr0,tag=30$/);
    // Without `current`, GET config shows the pending values (load_current_config).
    expect((await get("/nodes/pve1/qemu/100/config")).body.data).toMatchObject({ cores: 4, memory: 4096 });
    expect((await get("/nodes/pve1/qemu/100/config")).body.data.serial0).toBeUndefined();
    const pending = (await get("/nodes/pve1/qemu/100/pending")).body.data;
    expect(pending).toContainEqual({ key: "cores", value: "1", pending: "4" });
    expect(pending).toContainEqual({ key: "memory", value: "1024", pending: "4096" });
    expect(pending).toContainEqual({ key: "serial0", value: "socket", delete: 1 });
    expect(pending).toContainEqual({ key: "description", value: "web" });
    // A reboot (a new QEMU process) applies them.
    expect((await waitTask((await post("/nodes/pve1/qemu/100/status/reboot")).body.data)).exitstatus).toBe("OK");
    expect((await get("/nodes/pve1/qemu/100/config?current=1")).body.data).toMatchObject({ cores: 4, memory: 4096 });
    expect((await get("/nodes/pve1/qemu/100/pending")).body.data.filter((p: { pending?: string; delete?: number }) => p.pending !== undefined || p.delete)).toEqual([]);
  });

  it("the guest agent: not configured, VM not running, agent not (yet) running", async () => {
    expect((await waitTask((await post("/nodes/pve1/qemu/9000/clone", { newid: 100 })).body.data)).exitstatus).toBe("OK");
    expect((await post("/nodes/pve1/qemu/100/agent/ping")).statusText).toBe("VM 100 is not running");
    await put("/nodes/pve1/qemu/100/config", { agent: "enabled=0" });
    expect((await waitTask((await post("/nodes/pve1/qemu/100/status/start")).body.data)).exitstatus).toBe("OK");
    await new Promise((r) => setTimeout(r, 500));
    expect((await post("/nodes/pve1/qemu/100/agent/ping")).statusText).toBe("QEMU guest agent is not running");
    await put("/nodes/pve1/qemu/100/config", { delete: "agent" });
    expect((await post("/nodes/pve1/qemu/100/agent/ping")).statusText).toBe("QEMU guest agent is not running");
    expect((await get("/nodes/pve1/qemu/100/pending")).body.data).toContainEqual({ key: "agent", value: "enabled=0", delete: 1 });
  });

  it("a privilege-separated API token gets 403 for what its ACL does not grant; the default token may do everything", async () => {
    await sb.stop();
    const token = { id: "ci@pve!deploy", secret: "5d0f6a5e-1111-4222-8333-944445555666" };
    sb = await startSandbox({ proxmox: { templates: [{ vmid: 9000 }], apiTokens: [{ ...token, acl: [{ path: "/vms/9000", privs: ["VM.Audit", "VM.Clone"] }, { path: "/vms/100", privs: ["VM.Allocate", "VM.Audit"] }] }] } });
    const as = { Authorization: `PVEAPIToken=${token.id}=${token.secret}` };
    expect((await call(api("/nodes/pve1/qemu/9000/config"), { headers: as })).status).toBe(200);
    const denied = await call(api("/nodes/pve1/qemu/9000/config"), { method: "PUT", headers: as, form: { cores: 2 } });
    expect(denied.status).toBe(403);
    expect(denied.statusText).toBe("Permission check failed (/vms/9000, VM.Config.Disk|VM.Config.CDROM|VM.Config.CPU|VM.Config.Memory|VM.Config.Network|VM.Config.HWType|VM.Config.Options|VM.Config.Cloudinit)");
    expect((await call(api("/nodes/pve1/qemu/9000/clone"), { method: "POST", headers: as, form: { newid: 101 } })).statusText).toBe("Permission check failed");
    const allowed = await call(api("/nodes/pve1/qemu/9000/clone"), { method: "POST", headers: as, form: { newid: 100 } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.data).toMatch(/:qmclone:9000:ci@pve!deploy:$/);
    expect(await waitTask(allowed.body.data)).toMatchObject({ exitstatus: "OK", user: "ci@pve", tokenid: "deploy" });
    // Endpoints open to every user: version, nextid.
    expect((await call(api("/version"), { headers: as })).status).toBe(200);
    expect((await call(api("/nodes/pve1/qemu/9000/config"), { headers: { Authorization: `PVEAPIToken=${token.id}=wrong` } })).status).toBe(401);
    expect((await put("/nodes/pve1/qemu/9000/config", { cores: 2 })).status).toBe(200);
  });

  it("answers 501 with method and path for endpoints it does not emulate, and records them", async () => {
    const res = await get("/nodes/pve1/ceph/status");
    expect(res.status).toBe(501);
    expect(res.statusText).toBe("not implemented by hearth-sandbox: GET /api2/json/nodes/pve1/ceph/status");
    expect(sb.inspect().unknownCalls).toEqual([expect.objectContaining({ api: "proxmox", method: "GET", path: "/api2/json/nodes/pve1/ceph/status" })]);
  });

  it("reports parameter errors with Proxmox's 400 shape", async () => {
    const res = await get("/cluster/nextid?vmid=9000");
    expect(res.status).toBe(400);
    expect(res.statusText).toBe("Parameter verification failed.");
    expect(res.body.errors).toEqual({ vmid: "VM 9000 already exists" });
    const noTask = await get(`/nodes/pve1/tasks/${encodeURIComponent("UPID:pve1:00001234:00ABCDEF:6543210F:qmstart:100:root@pam:")}/status`);
    expect(noTask.status).toBe(400);
    expect(noTask.body.errors).toEqual({ upid: "no such task" });
    expect((await get("/nodes/pve1/tasks/garbage/status")).body.errors).toEqual({ upid: "unable to parse worker upid" });
    // Tasks.pm read_task_status splits the token off the user; exitstatus only once stopped.
    const upid = (await post("/nodes/pve1/qemu/9000/clone", { newid: 100 })).body.data;
    const status = (await get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`)).body.data;
    expect(status).toMatchObject({ upid, user: "root@pam", tokenid: "hearth-sandbox", type: "qmclone", id: "9000", node: "pve1" });
    if (status.status === "running") expect(status).not.toHaveProperty("exitstatus");
    expect(await waitTask(upid)).toMatchObject({ exitstatus: "OK" });
  });

  it("builds a template from a downloaded cloud image", async () => {
    const meta = await get(`/nodes/pve1/query-url-metadata?url=${encodeURIComponent("https://example.invalid/debian-12.qcow2")}`);
    expect(meta.body.data.filename).toBe("debian-12.qcow2");
    const dl = await post("/nodes/pve1/storage/local/download-url", { content: "import", filename: "debian-12.qcow2", url: "https://example.invalid/debian-12.qcow2" });
    expect((await waitTask(dl.body.data)).exitstatus).toBe("OK");
    const content = (await get("/nodes/pve1/storage/local/content?content=import")).body.data;
    expect(content).toEqual([expect.objectContaining({ volid: "local:import/debian-12.qcow2", content: "import", size: 2 * 1024 ** 3 })]);
    expect(dl.body.data).toMatch(/:download:debian-12\.qcow2:root@pam!hearth-sandbox:$/);
    // download_file_from_url refuses inside the task, naming the full path.
    const again = await post("/nodes/pve1/storage/local/download-url", { content: "import", filename: "debian-12.qcow2", url: "https://example.invalid/debian-12.qcow2" });
    expect((await waitTask(again.body.data)).exitstatus).toBe("refusing to override existing file '/var/lib/vz/import/debian-12.qcow2'");
    const notFileBased = await post("/nodes/pve1/storage/local-lvm/download-url", { content: "import", filename: "x.qcow2", url: "https://example.invalid/x.qcow2" });
    expect(notFileBased.status).toBe(500);
    expect(notFileBased.statusText).toBe("can't upload to storage type 'lvmthin', not a file based storage!");
    const wrongExt = await post("/nodes/pve1/storage/local/download-url", { content: "import", filename: "debian-12.img", url: "https://example.invalid/debian-12.img" });
    expect(wrongExt.status).toBe(400);
    expect(wrongExt.body.errors).toEqual({ filename: "invalid filename or wrong extension" });
    const wrongContent = await post("/nodes/pve1/storage/local/download-url", { content: "images", filename: "x.qcow2", url: "https://example.invalid/x.qcow2" });
    expect(wrongContent.body.errors).toEqual({ content: "value 'images' does not have a value in the enumeration 'iso, vztmpl, import'" });

    const create = await post("/nodes/pve1/qemu", { vmid: 9100, name: "tpl", scsi0: "local-lvm:0,import-from=local:import/debian-12.qcow2,discard=on", ide2: "local-lvm:cloudinit", net0: "virtio,bridge=vmbr0", agent: "enabled=1" });
    expect((await waitTask(create.body.data)).exitstatus).toBe("OK");
    expect((await waitTask((await post("/nodes/pve1/qemu/9100/template")).body.data)).exitstatus).toBe("OK");
    const config = (await get("/nodes/pve1/qemu/9100/config")).body.data;
    expect(config).toMatchObject({ template: 1, scsi0: "local-lvm:base-9100-disk-0,discard=on,size=2G", ide2: "local-lvm:vm-9100-cloudinit,media=cdrom" });
    const started = await post("/nodes/pve1/qemu/9100/status/start");
    expect((await waitTask(started.body.data)).exitstatus).toBe("you can't start a vm if it's a template");

    const linked = await post("/nodes/pve1/qemu/9100/clone", { newid: 200, full: 0, name: "linked" });
    expect((await waitTask(linked.body.data)).exitstatus).toBe("OK");
    // QemuServer.pm destroy_vm checks base volumes inside the task (its text says "cloned").
    const inUse = await del("/nodes/pve1/qemu/9100");
    expect((await waitTask(inUse.body.data)).exitstatus).toBe("base volume 'local-lvm:base-9100-disk-0' is still in use by linked cloned");
    const file = await del(`/nodes/pve1/storage/local/content/${encodeURIComponent("local:import/debian-12.qcow2")}`);
    expect((await waitTask(file.body.data)).exitstatus).toBe("OK");
    expect((await get("/nodes/pve1/storage/local/content")).body.data).toEqual([]);
  });

  it("keeps cluster firewall groups, VM rules and options, adding rules at the top like Proxmox", async () => {
    expect((await post("/cluster/firewall/groups", { group: "web", comment: "web servers" })).status).toBe(200);
    const again = await post("/cluster/firewall/groups", { group: "web" });
    expect(again.status).toBe(400);
    expect(again.body.errors).toEqual({ group: "Security group 'web' already exists" });
    expect((await post("/cluster/firewall/groups", { group: "db", rename: "nope" })).body.errors).toEqual({ group: "Security group 'nope' does not exist" });
    await post("/cluster/firewall/groups/web", { type: "in", action: "ACCEPT", proto: "tcp", dport: "443", enable: 1 });
    await post("/cluster/firewall/groups/web", { type: "in", action: "ACCEPT", proto: "tcp", dport: "80", enable: 1 });
    const rules = (await get("/cluster/firewall/groups/web")).body.data;
    expect(rules.map((r: { dport: string; pos: number }) => [r.pos, r.dport])).toEqual([[0, "80"], [1, "443"]]);
    await put("/cluster/firewall/groups/web/0", { dport: "8080", comment: "alt" });
    expect((await get("/cluster/firewall/groups/web/0")).body.data).toMatchObject({ pos: "0", dport: "8080", comment: "alt", enable: 1 });
    expect((await del("/cluster/firewall/groups/web")).statusText).toBe("Security group 'web' is not empty");
    const noRule = await get("/cluster/firewall/groups/web/7");
    expect([noRule.status, noRule.statusText]).toEqual([500, "no rule at position 7"]);

    await post("/nodes/pve1/qemu/9000/firewall/rules", { type: "group", action: "web", enable: 1 });
    expect((await get("/nodes/pve1/qemu/9000/firewall/rules")).body.data).toEqual([{ type: "group", action: "web", enable: 1, pos: 0 }]);
    await put("/nodes/pve1/qemu/9000/firewall/options", { enable: 1, policy_in: "DROP" });
    expect((await get("/nodes/pve1/qemu/9000/firewall/options")).body.data).toMatchObject({ enable: 1, policy_in: "DROP" });

    await del("/nodes/pve1/qemu/9000/firewall/rules/0");
    await del("/cluster/firewall/groups/web/1");
    await del("/cluster/firewall/groups/web/0");
    expect((await del("/cluster/firewall/groups/web")).status).toBe(200);
    expect((await get("/cluster/firewall/groups")).body.data).toEqual([]);
  });

  it("keeps backup jobs, SDN zones/vnets/subnets and node networks", async () => {
    await post("/cluster/backup", { id: "nightly", schedule: "*-*-* 02:00", storage: "local", vmid: "100,101", mode: "snapshot", compress: "zstd", "prune-backups": "keep-daily=7,keep-last=3", enabled: 1 });
    // Proxmox takes prune-backups as a property string and returns it as an object.
    expect((await get("/cluster/backup/nightly")).body.data).toMatchObject({ id: "nightly", type: "vzdump", schedule: "*-*-* 02:00", vmid: "100,101", "prune-backups": { "keep-daily": "7", "keep-last": "3" }, enabled: 1 });
    await post("/cluster/backup", { id: "one", schedule: "sat 01:00", storage: "local", vmid: "100", enabled: 0 });
    expect((await get("/cluster/backup/one")).body.data).toMatchObject({ vmid: "100", enabled: 0 });
    await del("/cluster/backup/one");
    await put("/cluster/backup/nightly", { schedule: "sun 03:00", delete: "compress" });
    const job = (await get("/cluster/backup")).body.data[0];
    expect(job.schedule).toBe("sun 03:00");
    expect(job.compress).toBeUndefined();
    await del("/cluster/backup/nightly");

    await post("/cluster/sdn/zones", { zone: "lab", type: "simple", ipam: "pve" });
    await post("/cluster/sdn/vnets", { vnet: "labnet", zone: "lab" });
    const form = new URLSearchParams([["subnet", "10.20.0.0/24"], ["type", "subnet"], ["gateway", "10.20.0.1"], ["snat", "1"], ["dhcp-range", "start-address=10.20.0.100,end-address=10.20.0.150"], ["dhcp-range", "start-address=10.20.0.200,end-address=10.20.0.210"]]);
    const created = await call(api("/cluster/sdn/vnets/labnet/subnets"), { method: "POST", headers: { ...auth(), "Content-Type": "application/x-www-form-urlencoded" }, raw: form.toString() });
    expect(created.status).toBe(200);
    expect((await get("/cluster/sdn/vnets/labnet/subnets")).body.data[0]["dhcp-range"]).toEqual([
      { "start-address": "10.20.0.100", "end-address": "10.20.0.150" },
      { "start-address": "10.20.0.200", "end-address": "10.20.0.210" },
    ]);
    expect((await get("/cluster/sdn/vnets/labnet/subnets/lab-10.20.0.0-24")).body.data).toMatchObject({ cidr: "10.20.0.0/24", gateway: "10.20.0.1", snat: 1, vnet: "labnet", zone: "lab" });
    expect((await del("/cluster/sdn/zones/lab")).statusText).toBe("zone lab is used by vnet labnet");
    expect((await del("/cluster/sdn/vnets/labnet")).body.errors).toEqual({ vnet: "Can't delete vnet if subnets exists" });
    expect((await get("/cluster/sdn/zones/nope")).statusText).toBe("sdn 'nope' does not exist");
    expect((await waitTask((await put("/cluster/sdn", {})).body.data)).exitstatus).toBe("OK");
    await del("/cluster/sdn/vnets/labnet/subnets/lab-10.20.0.0-24");
    await del("/cluster/sdn/vnets/labnet");
    await del("/cluster/sdn/zones/lab");

    await post("/nodes/pve1/network", { iface: "vmbr1", type: "bridge", autostart: 1, comments: "lab" });
    await post("/nodes/pve1/network", { iface: "vmbr0.30", type: "vlan", "vlan-raw-device": "vmbr0", "vlan-id": 30 });
    expect((await get("/nodes/pve1/network?type=bridge")).body.data.map((n: { iface: string }) => n.iface)).toEqual(["vmbr0", "vmbr1"]);
    expect((await get("/nodes/pve1/network/vmbr0.30")).body.data).toMatchObject({ iface: "vmbr0.30", type: "vlan", "vlan-id": 30, families: ["inet"], active: 1 });
    expect((await waitTask((await put("/nodes/pve1/network", {})).body.data)).exitstatus).toBe("OK");
    expect(sb.inspect().leftovers).toEqual(["proxmox network pve1/vmbr1", "proxmox network pve1/vmbr0.30"]);
    await del("/nodes/pve1/network/vmbr1");
    await del("/nodes/pve1/network/vmbr0.30");
    expect(sb.inspect().leftovers).toEqual([]);
  });
});

describe("guest agent addresses", () => {
  const subnet = { cidr: "10.20.0.0/24", vnet: "labnet", "dhcp-range": "start-address=10.20.0.100,end-address=10.20.0.199" };
  it.each([
    ["a static ipconfig", { ipconfig0: "ip=192.168.1.7/24,gw=192.168.1.1", net0: "virtio=AA,bridge=vmbr0" }, undefined, "192.168.1.7", 24],
    ["a DHCP lease from the vnet's dhcp-range", { net0: "virtio=AA,bridge=labnet" }, subnet, "10.20.0.105", 24],
    ["an address in the vnet's subnet without a range", { net0: "virtio=AA,bridge=labnet" }, { cidr: "10.30.0.0/24" }, "10.30.0.107", 24],
    ["a deterministic 10.x address elsewhere", { net0: "virtio=AA,bridge=vmbr0" }, undefined, "10.0.1.49", 8],
  ])("%s", (_what, config, sub, ip, prefix) => {
    const vmid = _what.startsWith("a deterministic") ? 305 : 105;
    expect(guestAddress(vmid, 0, config, () => sub as never)).toEqual({ ip, prefix });
  });
});

describe("disk sizes", () => {
  it.each([
    ["20G", 20 * 1024 ** 3, "20G"],
    ["512M", 512 * 1024 ** 2, "512M"],
    ["2252M", 2252 * 1024 ** 2, "2252M"],
    ["1T", 1024 ** 4, "1024G"],
    ["1.5G", 1.5 * 1024 ** 3, "1536M"],
  ])("%s is %d bytes and prints as %s", (text, bytes, printed) => {
    expect(parseSize(text)).toBe(bytes);
    expect(formatSize(bytes)).toBe(printed);
  });
});

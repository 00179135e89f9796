import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { call, waitFor } from "../testClient.js";
import fc from "fast-check";
import { applyCtConfig, FASTPLUG, hotpluggable, parseProp, printProp, type PveCt } from "./lxcRules.js";

let sb: Sandbox;
const api = (path: string): string => `${sb.proxmox.endpoint}api2/json${path}`;
const auth = (): Record<string, string> => ({ Authorization: `PVEAPIToken=${sb.proxmox.apiToken}` });
const get = (path: string) => call(api(path), { headers: auth() });
const post = (path: string, form: Record<string, string | number> = {}) => call(api(path), { method: "POST", headers: auth(), form });
const put = (path: string, form: Record<string, string | number>) => call(api(path), { method: "PUT", headers: auth(), form });
const del = (path: string) => call(api(path), { method: "DELETE", headers: auth() });

async function waitTask(upid: string): Promise<{ status: string; exitstatus: string }> {
  return waitFor(async () => {
    const res = await get(`/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`);
    expect(res.status).toBe(200);
    return res.body.data.status === "stopped" ? res.body.data : undefined;
  });
}
const TEMPLATE = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
async function downloadTemplate(): Promise<void> {
  const dl = await post("/nodes/pve1/storage/local/download-url", { content: "vztmpl", filename: "debian-12-standard_12.7-1_amd64.tar.zst", url: "https://images.example/debian-12-standard_12.7-1_amd64.tar.zst" });
  expect(dl.status).toBe(200);
  expect(await waitTask(dl.body.data)).toMatchObject({ exitstatus: "OK" });
}

describe("config writes (pve-container src/PVE/LXC/Config.pm update_pct_config)", () => {
  const ct = (status: "running" | "stopped"): PveCt => ({ vmid: 100, node: "pve1", status, config: { hostname: "a", memory: 512, features: "nesting=1", mp0: "local-lvm:vm-100-disk-1,mp=/data,size=1G" } });
  it("a stopped container takes every change", () => {
    const c = ct("stopped");
    applyCtConfig(c, { hostname: "b", features: "nesting=1,keyctl=1" }, ["mp0"]);
    expect(c.config).toMatchObject({ hostname: "b", features: "nesting=1,keyctl=1", unused0: "local-lvm:vm-100-disk-1" });
    expect(c.config.mp0).toBeUndefined();
    expect(c.pending).toBeUndefined();
  });
  it("a running container takes fast-plug and hot-pluggable options at once and keeps the rest pending", () => {
    const c = ct("running");
    applyCtConfig(c, { hostname: "b", memory: 1024, features: "nesting=1,keyctl=1" }, ["mp0"]);
    expect(c.config).toMatchObject({ hostname: "b", memory: 1024, features: "nesting=1", mp0: "local-lvm:vm-100-disk-1,mp=/data,size=1G" });
    expect(c.pending).toEqual({ features: "nesting=1,keyctl=1" });
    expect(c.pendingDelete).toEqual(["mp0"]);
  });
});

describe("config writes, generated", () => {
  const keys = ["hostname", "cores", "memory", "swap", "features", "nameserver", "onboot", "tags", "cpulimit", "net0", "mp1", "description", "arch"];
  it("a stopped container takes everything; a running one applies exactly the hot-pluggable keys and keeps the rest pending", () => {
    fc.assert(fc.property(fc.boolean(), fc.dictionary(fc.constantFrom(...keys), fc.stringMatching(/^[a-z0-9=]{1,8}$/)), (running, values) => {
      const ct: PveCt = { vmid: 100, node: "pve1", status: running ? "running" : "stopped", config: { hostname: "a", memory: 512, mp0: "local-lvm:vm-100-disk-1,mp=/x,size=1G" } };
      const before = { ...ct.config };
      applyCtConfig(ct, values, []);
      for (const [k, v] of Object.entries(values)) {
        const now = !running || hotpluggable(k, before, false);
        if (now) expect(ct.config[k]).toBe(v);
        else if (String(before[k]) !== v) expect(ct.pending?.[k]).toBe(v);
        if (FASTPLUG.has(k)) expect(ct.config[k]).toBe(v);
      }
      if (!running) expect(ct.pending).toBeUndefined();
    }));
  });
  it("prints property strings like print_property_string, and parses them back", () => {
    fc.assert(fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/), fc.stringMatching(/^[a-z0-9:/.]{1,10}$/)), (data) => {
      const printed = printProp(data, undefined, ["name"]);
      expect(parseProp(printed)).toEqual(data);
      const keys = printed === "" ? [] : printed.split(",").map((kv) => kv.split("=")[0]!);
      const rest = keys.filter((k) => k !== "name");
      expect(rest).toEqual([...rest].sort());
      if (keys.includes("name")) expect(keys[0]).toBe("name");
    }));
    expect(printProp({ mp: "/srv", volume: "local-lvm:vm-1-disk-0", backup: "1", size: "2G" }, "volume", ["mp"])).toBe("local-lvm:vm-1-disk-0,mp=/srv,backup=1,size=2G");
  });
});

describe("LXC containers (pve-container src/PVE/API2/LXC.pm)", () => {
  beforeEach(async () => {
    sb = await startSandbox({ proxmox: { taskMs: 100 } });
  });
  afterEach(async () => {
    await sb.stop();
  });

  it("creates an unprivileged container from a template, starts, reads, resizes (grow only) and destroys it", async () => {
    await downloadTemplate();
    const create = await post("/nodes/pve1/lxc", {
      vmid: 200, ostemplate: TEMPLATE, hostname: "web", cores: 2, memory: 1024, swap: 256, rootfs: "local-lvm:8", mp0: "local-lvm:2,mp=/srv/data,backup=1",
      net0: "name=eth0,bridge=vmbr0,ip=dhcp,firewall=1", features: "nesting=1", password: "s3cret-pw", "ssh-public-keys": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTheSandboxOnly hearth", start: 1, onboot: 1, tags: "web;hearth",
    });
    expect(create.status).toBe(200);
    expect(create.body.data).toMatch(/:vzcreate:200:/);
    // The config exists, locked `create`, from the request on; the id is taken.
    expect((await get("/nodes/pve1/lxc/200/status/current")).body.data.lock).toBe("create");
    expect((await get("/cluster/nextid")).body.data).toBe("100");
    expect((await post("/nodes/pve1/lxc", { vmid: 200, ostemplate: TEMPLATE })).body.message).toBe("CT 200 already exists on node 'pve1'\n");
    expect(await waitTask(create.body.data)).toMatchObject({ exitstatus: "OK" });

    const config = (await get("/nodes/pve1/lxc/200/config")).body.data;
    expect(config).toMatchObject({ hostname: "web", cores: 2, memory: 1024, swap: 256, unprivileged: 1, features: "nesting=1", onboot: 1, tags: "web;hearth" });
    expect(config.rootfs).toBe("local-lvm:vm-200-disk-0,size=8G");
    expect(config.mp0).toBe("local-lvm:vm-200-disk-1,mp=/srv/data,backup=1,size=2G");
    // print_lxc_network: name (required) first, then the other keys sorted.
    expect(config.net0).toMatch(/^name=eth0,bridge=vmbr0,firewall=1,hwaddr=BC:24:11:[0-9A-F:]{8},ip=dhcp,type=veth$/);
    // Secrets go into the container, never into its config.
    expect(JSON.stringify(config)).not.toContain("s3cret-pw");
    expect(JSON.stringify(config)).not.toContain("AAAAC3");
    expect(config.lock).toBeUndefined();

    const status = (await get("/nodes/pve1/lxc/200/status/current")).body.data;
    expect(status).toMatchObject({ status: "running", vmid: 200, name: "web", type: "lxc", maxdisk: 8 * 1024 ** 3 });
    const ifaces = (await get("/nodes/pve1/lxc/200/interfaces")).body.data;
    expect(ifaces.map((i: { name: string }) => i.name)).toEqual(["lo", "eth0"]);
    expect(ifaces[1]["ip-addresses"][0]).toMatchObject({ "ip-address-type": "inet", prefix: 24 });
    const content = (await get("/nodes/pve1/storage/local-lvm/content")).body.data.map((v: { volid: string }) => v.volid);
    expect(content).toEqual(expect.arrayContaining(["local-lvm:vm-200-disk-0", "local-lvm:vm-200-disk-1"]));
    const resources = (await get("/cluster/resources?type=vm")).body.data;
    expect(resources).toContainEqual(expect.objectContaining({ id: "lxc/200", type: "lxc", node: "pve1" }));

    // Grow only; an already-equal size is refused too.
    const shrink = await put("/nodes/pve1/lxc/200/resize", { disk: "rootfs", size: "4G" });
    expect(shrink.status).toBe(500);
    expect(shrink.body.message).toBe("unable to shrink disk size\n");
    expect((await put("/nodes/pve1/lxc/200/resize", { disk: "rootfs", size: "8G" })).body.message).toBe("disk is already at specified size\n");
    const grow = await put("/nodes/pve1/lxc/200/resize", { disk: "rootfs", size: "+2G" });
    expect(await waitTask(grow.body.data)).toMatchObject({ exitstatus: "OK" });
    expect((await get("/nodes/pve1/lxc/200/config")).body.data.rootfs).toBe("local-lvm:vm-200-disk-0,size=10G");

    // A running container takes hostname and memory at once; features wait for the next start.
    expect((await put("/nodes/pve1/lxc/200/config", { hostname: "web2", memory: 2048, features: "nesting=1,keyctl=1" })).status).toBe(200);
    expect((await get("/nodes/pve1/lxc/200/config?current=1")).body.data).toMatchObject({ hostname: "web2", memory: 2048, features: "nesting=1" });
    expect((await get("/nodes/pve1/lxc/200/config")).body.data.features).toBe("nesting=1,keyctl=1");
    expect((await get("/nodes/pve1/lxc/200/pending")).body.data).toContainEqual({ key: "features", value: "nesting=1", pending: "nesting=1,keyctl=1" });
    const required = await put("/nodes/pve1/lxc/200/config", { delete: "memory" });
    expect(required.body.message).toBe("unable to delete required option 'memory'\n");
    expect((await put("/nodes/pve1/lxc/200/config", { unprivileged: 0 })).body.message).toBe("unable to modify read-only option: 'unprivileged'\n");

    // Destroy: refused while running, protected, then through a shutdown.
    expect((await del("/nodes/pve1/lxc/200")).body.message).toBe("unable to destroy CT 200 - container is running\n");
    expect((await post("/nodes/pve1/lxc/200/status/start")).body.message).toBe("CT 200 already running\n");
    const shutdown = await post("/nodes/pve1/lxc/200/status/shutdown", { forceStop: 1, timeout: 30 });
    expect(await waitTask(shutdown.body.data)).toMatchObject({ exitstatus: "OK" });
    expect((await post("/nodes/pve1/lxc/200/status/stop")).body.message).toBe("CT 200 not running\n");
    expect((await get("/nodes/pve1/lxc/200/interfaces")).body.data).toBeNull();
    await put("/nodes/pve1/lxc/200/config", { protection: 1 });
    expect((await del("/nodes/pve1/lxc/200")).body.message).toBe("can't remove CT 200 - protection mode enabled\n");
    await put("/nodes/pve1/lxc/200/config", { delete: "protection" });
    const destroy = await del("/nodes/pve1/lxc/200?purge=1");
    expect(await waitTask(destroy.body.data)).toMatchObject({ exitstatus: "OK" });
    const gone = await get("/nodes/pve1/lxc/200/config");
    expect(gone.status).toBe(500);
    expect(gone.body.message).toBe("Configuration file 'nodes/pve1/lxc/200.conf' does not exist\n");
    expect(sb.inspect().leftovers).toEqual(["proxmox volume pve1/local/local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst"]);
  });

  it("applies create's defaults and refusals", async () => {
    await downloadTemplate();
    // The template must be a vztmpl volume; the root disk's storage must take containers.
    const iso = await post("/nodes/pve1/lxc", { vmid: 201, ostemplate: "local:iso/debian.iso" });
    expect(iso.body.message).toBe("unable to use volume local:iso/debian.iso - content type needs to be 'vztmpl'\n");
    const dir = await post("/nodes/pve1/lxc", { vmid: 201, ostemplate: TEMPLATE });
    expect(dir.status).toBe(400);
    expect(dir.body.errors).toEqual({ storage: "storage 'local' does not support container directories" });
    const noRoot = await post("/nodes/pve1/lxc", { vmid: 201, ostemplate: TEMPLATE, storage: "local-lvm", mp0: "local-lvm:1,mp=/x" });
    expect(noRoot.body.message).toBe("mount points configured, but 'rootfs' not set - aborting\n");
    // Without rootfs: 4 GiB on `storage`; hostname CT<id>, memory 512, swap 512, unprivileged.
    const plain = await post("/nodes/pve1/lxc", { vmid: 201, ostemplate: TEMPLATE, storage: "local-lvm" });
    expect(await waitTask(plain.body.data)).toMatchObject({ exitstatus: "OK" });
    expect((await get("/nodes/pve1/lxc/201/config")).body.data).toMatchObject({ hostname: "CT201", memory: 512, swap: 512, unprivileged: 1, rootfs: "local-lvm:vm-201-disk-0,size=4G" });
    // unprivileged=0 makes a privileged container; a VM cannot take a container's id.
    const priv = await post("/nodes/pve1/lxc", { vmid: 202, ostemplate: TEMPLATE, storage: "local-lvm", unprivileged: 0 });
    expect(await waitTask(priv.body.data)).toMatchObject({ exitstatus: "OK" });
    expect((await get("/nodes/pve1/lxc/202/config")).body.data.unprivileged).toBeUndefined();
    expect((await post("/nodes/pve1/qemu", { vmid: 202 })).body.message).toBe("unable to create VM 202 - CT 202 already exists on node 'pve1'\n");
    // A template that is not on the storage fails the task, which removes the new config and disks.
    const missing = await post("/nodes/pve1/lxc", { vmid: 203, ostemplate: "local:vztmpl/nope.tar.zst", storage: "local-lvm" });
    expect((await waitTask(missing.body.data)).exitstatus).toBe("unable to create CT 203 - volume 'local:vztmpl/nope.tar.zst' does not exist");
    expect((await get("/nodes/pve1/lxc/203/config")).status).toBe(500);
    for (const id of [201, 202]) expect(await waitTask((await del(`/nodes/pve1/lxc/${id}`)).body.data)).toMatchObject({ exitstatus: "OK" });
    expect(sb.inspect().leftovers.filter((l) => !l.includes("vztmpl"))).toEqual([]);
  });

  it("waits for the container's config lock and refuses a locked config", async () => {
    await downloadTemplate();
    // A slow create task, so the config write below surely meets it running, even on a loaded machine.
    sb.setFaults({ slowTaskMs: 1500 });
    const plain = await post("/nodes/pve1/lxc", { vmid: 210, ostemplate: TEMPLATE, storage: "local-lvm" });
    sb.setFaults({});
    // While the create task holds lock_config and the config says `lock: create`, a config write is refused.
    const during = await put("/nodes/pve1/lxc/210/config", { cores: 2 });
    expect(during.status).toBe(500);
    expect(during.body.message).toBe("CT is locked (create)\n");
    await waitTask(plain.body.data);
    expect((await put("/nodes/pve1/lxc/210/config", { cores: 2 })).status).toBe(200);
    sb.setFaults({ configLockTimeoutRate: 1 });
    const timedOut = await put("/nodes/pve1/lxc/210/config", { cores: 3 });
    expect(timedOut.body.message).toBe("can't lock file '/run/lock/lxc/pve-config-210.lock' - got timeout\n");
    sb.setFaults({});
    await waitTask((await del("/nodes/pve1/lxc/210")).body.data);
  });
});

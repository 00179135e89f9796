import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Faults, parseFaults } from "./faults.js";
import { startSandbox, type Sandbox } from "./server.js";
import { call, waitFor } from "./testClient.js";

const started: Sandbox[] = [];
const start = async (...args: Parameters<typeof startSandbox>): Promise<Sandbox> => {
  const sb = await startSandbox(...args);
  started.push(sb);
  return sb;
};
afterEach(async () => {
  await Promise.all(started.splice(0).map((sb) => sb.stop()));
});

describe("fault injection", () => {
  it("fails a seeded share of calls with 500s, the same calls for the same seed", async () => {
    const statuses = async (seed: number): Promise<number[]> => {
      const sb = await start({ faults: { errorRate: 0.3, seed } });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await call(`${sb.hcloud.endpoint}/locations`, { headers: { Authorization: `Bearer ${sb.hcloud.token}` } })).status);
      expect(sb.inspect().faults.errors).toBe(out.filter((s) => s === 500).length);
      return out;
    };
    const a = await statuses(42);
    expect(await statuses(42)).toEqual(a);
    expect(a.filter((s) => s === 500).length).toBeGreaterThan(3);
    expect(a.filter((s) => s === 200).length).toBeGreaterThan(20);
    expect(new Set(a)).toEqual(new Set([200, 500]));
  });

  it("renders injected 500s in each API's own error shape", async () => {
    const sb = await start({ faults: { errorRate: 1 } });
    const pve = await call(`${sb.proxmox.endpoint}api2/json/version`, { headers: { Authorization: `PVEAPIToken=${sb.proxmox.apiToken}` } });
    expect(pve.status).toBe(500);
    expect(pve.body.data).toBeNull();
    expect((await call(`${sb.hcloud.endpoint}/servers`, { headers: { Authorization: `Bearer ${sb.hcloud.token}` } })).body.error.code).toBe("server_error");
    expect((await call(`${sb.digitalocean.endpoint}/v2/droplets`, { headers: { Authorization: `Bearer ${sb.digitalocean.token}` } })).body.id).toBe("server_error");
  });

  it("times out clones on the target id's lock without contention, and slows tasks down", async () => {
    const sb = await start({ faults: { lockTimeoutRate: 1 }, proxmox: { templates: [{ vmid: 9000 }], taskMs: 50 } });
    const headers = { Authorization: `PVEAPIToken=${sb.proxmox.apiToken}` };
    const clone = async (): Promise<{ exitstatus: string; ms: number }> => {
      const t0 = Date.now();
      const upid = (await call(`${sb.proxmox.endpoint}api2/json/nodes/pve1/qemu/9000/clone`, { headers, form: { newid: 100 } })).body.data as string;
      const status = await waitFor(async () => {
        const s = (await call(`${sb.proxmox.endpoint}api2/json/nodes/pve1/tasks/${encodeURIComponent(upid)}/status`, { headers })).body.data;
        return s.status === "stopped" ? s : undefined;
      });
      return { exitstatus: status.exitstatus, ms: Date.now() - t0 };
    };
    expect((await clone()).exitstatus).toBe("can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout");
    expect(sb.inspect().faults.lockTimeouts).toBe(1);
    expect(sb.inspect().proxmox.vms[100]).toBeUndefined();
    sb.setFaults({ slowTaskMs: 300 });
    const slow = await clone();
    expect(slow.exitstatus).toBe("OK");
    expect(slow.ms).toBeGreaterThanOrEqual(300);
  });

  it("changes fault settings while running, from code or over HTTP", async () => {
    const sb = await start({ faults: { errorRate: 1 } });
    const get = () => call(`${sb.hcloud.endpoint}/locations`, { headers: { Authorization: `Bearer ${sb.hcloud.token}` } });
    expect((await get()).status).toBe(500);
    sb.setFaults({});
    expect((await get()).status).toBe(200);
    expect((await call(`${sb.hcloud.endpoint.replace(/\/v1$/, "")}/__sandbox/faults`, { json: { errorRate: 1 } })).body).toEqual({ ok: true });
    expect((await get()).status).toBe(500);
    expect((await call(`${sb.hcloud.endpoint.replace(/\/v1$/, "")}/__sandbox/faults`, { json: { errorRate: 5 } })).status).toBe(400);
  });

  it("parses --faults as key=value pairs or JSON, and rejects nonsense", () => {
    expect(parseFaults("errorRate=0.1,seed=7,errorMethods=post|put,slowTaskMs=500")).toEqual({ errorRate: 0.1, seed: 7, errorMethods: ["POST", "PUT"], slowTaskMs: 500 });
    expect(parseFaults('{"lockTimeoutRate":0.5}')).toEqual({ lockTimeoutRate: 0.5 });
    expect(() => parseFaults("errorRate")).toThrow(/key=value/);
    expect(() => parseFaults("errorRate=lots")).toThrow(/must be a number/);
    expect(() => new Faults({ errorRate: 2 })).toThrow(/from 0 to 1/);
    expect(() => new Faults({ bogus: 1 } as never)).toThrow(/unknown fault option "bogus"/);
    expect(parseFaults("errorRate=1,errorStatuses=409|429|502")).toEqual({ errorRate: 1, errorStatuses: [409, 429, 502] });
    expect(() => new Faults({ errorStatuses: [418] })).toThrow(/errorStatuses must be a non-empty list of 409, 423, 429, 500, 502, 503, 504/);
    expect(() => new Faults({ errorStatuses: [] })).toThrow(/errorStatuses/);
  });

  it("answers injected errors with the statuses asked for, and Proxmox with a plain error of that status", async () => {
    const sb = await start({ faults: { errorRate: 1, errorStatuses: [503] } });
    const pve = await call(`${sb.proxmox.endpoint}api2/json/version`, { headers: { Authorization: `PVEAPIToken=${sb.proxmox.apiToken}` } });
    expect(pve.status).toBe(503);
    expect(sb.inspect().faults.errors).toBe(1);
  });

  it("injects only on the methods asked for", () => {
    const f = new Faults({ errorRate: 1, errorMethods: ["POST"] });
    expect(f.shouldFail("GET")).toBe(false);
    expect(f.shouldFail("POST")).toBe(true);
  });
});

describe("persistence", () => {
  it("saves state and credentials to a file and loads them at the next start", async () => {
    const dir = mkdtempSync(join(tmpdir(), "hearth-sandbox-"));
    const stateFile = join(dir, "state.json");
    try {
      const first = await startSandbox({ stateFile, proxmox: { templates: [{ vmid: 9000 }] } });
      const key = await call(`${first.hcloud.endpoint}/ssh_keys`, { headers: { Authorization: `Bearer ${first.hcloud.token}` }, json: { name: "ops", public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA" } });
      expect(key.status).toBe(201);
      const token = first.hcloud.token;
      await first.stop();
      expect(JSON.parse(readFileSync(stateFile, "utf8")).hcloud.sshKeys[key.body.ssh_key.id].name).toBe("ops");

      const second = await start({ stateFile });
      expect(second.hcloud.token).toBe(token);
      const again = await call(`${second.hcloud.endpoint}/ssh_keys/${key.body.ssh_key.id}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(again.body.ssh_key.name).toBe("ops");
      expect(Object.keys(second.inspect().proxmox.vms)).toEqual(["9000"]);
      // New ids continue after the loaded ones.
      const next = await call(`${second.hcloud.endpoint}/ssh_keys`, { headers: { Authorization: `Bearer ${token}` }, json: { name: "ops2", public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAnotherHearthSandboxKeyAAAAAAAAAAAAAAAAAAAA" } });
      expect(next.body.ssh_key.id).toBeGreaterThan(key.body.ssh_key.id);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("inspection and drift", () => {
  it("lists state over HTTP without credentials and changes resources out of band", async () => {
    const sb = await start({ proxmox: { templates: [{ vmid: 9000 }] }, credentials: { hcloudToken: "a".repeat(64) } });
    expect(sb.hcloud.token).toBe("a".repeat(64));
    const state = await call(`${sb.hcloud.endpoint.replace(/\/v1$/, "")}/__sandbox/state`);
    expect(state.status).toBe(200);
    expect(state.body.proxmox.vms["9000"].config.template).toBe(1);
    expect(state.body.leftovers).toEqual([]);

    sb.mutate({ api: "proxmox", kind: "vm", id: 9000, config: { memory: 4096, agent: null } });
    expect(sb.inspect().proxmox.vms["9000"]!.config).toMatchObject({ memory: 4096 });
    expect(sb.inspect().proxmox.vms["9000"]!.config.agent).toBeUndefined();

    const viaHttp = await call(`${sb.proxmox.endpoint}__sandbox/mutate`, { json: { api: "proxmox", kind: "vm", id: 9000, status: "running" } });
    expect(viaHttp.body).toEqual({ ok: true });
    expect(sb.inspect().proxmox.vms["9000"]!.status).toBe("running");
    const missing = await call(`${sb.digitalocean.endpoint}/__sandbox/mutate`, { json: { api: "hcloud", kind: "server", id: 1, set: { name: "x" } } });
    expect(missing.status).toBe(404);
    expect(() => sb.mutate({ api: "digitalocean", kind: "droplet", id: 5, delete: true })).toThrow(/no digitalocean droplet with id 5/);
    // A guest moved to another node, as an HA recovery does; only to a node the cluster has.
    expect(() => sb.mutate({ api: "proxmox", kind: "vm", id: 9000, node: "pve7" })).toThrow(/no proxmox node pve7/);
    expect(sb.inspect().proxmox.vms["9000"]!.node).toBe("pve1");

    // Snapshots are copies: changing one does not touch the sandbox.
    const snap = sb.inspect();
    snap.proxmox.vms["9000"]!.config.memory = 1;
    expect(sb.inspect().proxmox.vms["9000"]!.config.memory).toBe(4096);
  });

  it("listens on loopback only and prints a provider-ready environment", async () => {
    const sb = await start();
    const env = sb.env();
    expect(Object.keys(env).sort()).toEqual(["DIGITALOCEAN_API_URL", "DIGITALOCEAN_TOKEN", "HCLOUD_ENDPOINT", "HCLOUD_TOKEN", "PROXMOX_VE_API_TOKEN", "PROXMOX_VE_ENDPOINT", "PROXMOX_VE_INSECURE"]);
    for (const v of [env.PROXMOX_VE_ENDPOINT, env.HCLOUD_ENDPOINT, env.DIGITALOCEAN_API_URL]) expect(v).toMatch(/^https?:\/\/127\.0\.0\.1:\d+/);
  });
});

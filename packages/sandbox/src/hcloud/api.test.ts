import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { call, waitFor } from "../testClient.js";

let sb: Sandbox;
const auth = (): Record<string, string> => ({ Authorization: `Bearer ${sb.hcloud.token}` });
const get = (path: string) => call(`${sb.hcloud.endpoint}${path}`, { headers: auth() });
const send = (method: string, path: string, json?: unknown) => call(`${sb.hcloud.endpoint}${path}`, { method, headers: auth(), json: json ?? {} });
const del = (path: string) => call(`${sb.hcloud.endpoint}${path}`, { method: "DELETE", headers: auth() });

/** Wait for actions the way hcloud-go does: GET /actions?id=..&id=.. until none is running. */
async function waitActions(ids: number[]): Promise<{ id: number; status: string }[]> {
  return waitFor(async () => {
    const res = await get(`/actions?${ids.map((id) => `id=${id}`).join("&")}&sort=status&sort=id&page=1&per_page=50`);
    expect(res.status).toBe(200);
    expect(res.body.actions).toHaveLength(ids.length);
    return res.body.actions.every((a: { status: string }) => a.status !== "running") ? res.body.actions : undefined;
  });
}

describe("Hetzner Cloud emulator", () => {
  beforeAll(async () => {
    sb = await startSandbox({ hcloud: { actionMs: 20 } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it("takes a 64-character bearer token and answers a wrong one with hcloud's 401", async () => {
    expect(sb.hcloud.token).toHaveLength(64);
    expect(sb.hcloud.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await call(`${sb.hcloud.endpoint}/servers`, { headers: { Authorization: `Bearer ${"x".repeat(64)}` } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: "unauthorized", message: "unable to authenticate", details: null } });
  });

  it("serves the catalogs the provider reads, paginated", async () => {
    const types = await get("/server_types?name=cx23");
    expect(types.body.server_types).toEqual([expect.objectContaining({ name: "cx23", cores: 2, architecture: "x86", deprecated: false, included_traffic: 0 })]);
    expect(types.body.meta.pagination).toEqual({ page: 1, per_page: 25, previous_page: null, next_page: null, last_page: 1, total_entries: 1 });
    expect((await get("/images?name=debian-12&architecture=x86")).body.images).toEqual([expect.objectContaining({ id: 114690387, type: "system" })]);
    expect((await get("/locations?name=fsn1")).body.locations[0].network_zone).toBe("eu-central");
    const page = await get("/server_types?per_page=2&page=2");
    expect(page.body.meta.pagination).toMatchObject({ page: 2, previous_page: 1, next_page: 3 });
  });

  it("runs a server with a primary IP and a firewall through its lifecycle, with actions", async () => {
    const key = await send("POST", "/ssh_keys", { name: "ops", public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@example" });
    expect(key.status).toBe(201);
    expect(key.body.ssh_key.fingerprint).toMatch(/^([0-9a-f]{2}:){15}[0-9a-f]{2}$/);

    // Newer clients send `location` and leave `assignee_type` out when there is no assignee.
    const byLocation = await send("POST", "/primary_ips", { name: "loc-ip", type: "ipv4", location: "nbg1", auto_delete: true });
    expect(byLocation.body.primary_ip).toMatchObject({ location: { name: "nbg1" }, assignee_id: null, assignee_type: "unassigned" });
    expect(byLocation.body.primary_ip).not.toHaveProperty("datacenter");
    expect((await send("POST", "/primary_ips", { name: "x-ip", type: "ipv4", assignee_id: 1 })).body.error.code).toBe("invalid_input");
    expect((await del(`/primary_ips/${byLocation.body.primary_ip.id}`)).status).toBe(204);
    const ip = await send("POST", "/primary_ips", { name: "gw-ip", type: "ipv4", location: "fsn1", auto_delete: false, labels: { "hearth/role": "ingress" } });
    expect(ip.status).toBe(201);
    expect(ip.body.action).toBeNull();
    expect(ip.body.primary_ip).toMatchObject({ name: "gw-ip", assignee_id: null, auto_delete: false, location: { name: "fsn1" } });

    const fw = await send("POST", "/firewalls", { name: "gw-fw", labels: {}, rules: [{ direction: "in", protocol: "tcp", port: "443", source_ips: ["0.0.0.0/0", "::/0"] }] });
    expect(fw.status).toBe(201);
    await waitActions(fw.body.actions.map((a: { id: number }) => a.id));

    const created = await send("POST", "/servers", {
      name: "gw-1",
      server_type: "cx23",
      image: "debian-12",
      location: "fsn1",
      ssh_keys: ["ops"],
      user_data: "#cloud-config\n",
      labels: { "hearth/role": "ingress" },
      firewalls: [{ firewall: fw.body.firewall.id }],
      public_net: { enable_ipv4: true, enable_ipv6: false, ipv4: ip.body.primary_ip.id },
    });
    expect(created.status).toBe(201);
    const server = created.body.server;
    expect(server).toMatchObject({ name: "gw-1", status: "initializing", location: { name: "fsn1", network_zone: "eu-central" }, image: { name: "debian-12" } });
    expect(server).not.toHaveProperty("datacenter");
    expect(server.public_net.ipv4).toMatchObject({ id: ip.body.primary_ip.id, ip: ip.body.primary_ip.ip });
    expect(server.public_net.ipv6).toBeNull();
    expect(server.public_net.firewalls).toEqual([{ id: fw.body.firewall.id, status: "applied" }]);
    expect(created.body.action).toMatchObject({ command: "create_server", status: "running", resources: [{ id: server.id, type: "server" }] });
    await waitActions([created.body.action.id, ...created.body.next_actions.map((a: { id: number }) => a.id)]);
    expect((await get(`/servers/${server.id}`)).body.server.status).toBe("running");
    expect((await get(`/primary_ips/${ip.body.primary_ip.id}`)).body.primary_ip.assignee_id).toBe(server.id);

    // hcloud-go sends ids as numbers when it has them.
    const byId = await send("POST", "/servers", { name: "by-id", server_type: 114, image: 114690387, location: "1", start_after_create: false });
    expect(byId.body.server).toMatchObject({ server_type: { name: "cx23" }, image: { name: "debian-12" }, location: { name: "fsn1" } });
    await waitActions([byId.body.action.id]);
    expect((await get(`/servers/${byId.body.server.id}`)).body.server.status).toBe("off");
    await waitActions([(await del(`/servers/${byId.body.server.id}`)).body.action.id]);
    const dup = await send("POST", "/servers", { name: "gw-1", server_type: "cx23", image: "debian-12" });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe("uniqueness_error");

    const backup = await send("POST", `/servers/${server.id}/actions/enable_backup`);
    expect(backup.status).toBe(201);
    await waitActions([backup.body.action.id]);
    expect((await get(`/servers/${server.id}`)).body.server.backup_window).toBe("22-02");

    const rules = await send("POST", `/firewalls/${fw.body.firewall.id}/actions/set_rules`, { rules: [{ direction: "in", protocol: "udp", port: "51820", source_ips: ["0.0.0.0/0"] }] });
    await waitActions(rules.body.actions.map((a: { id: number }) => a.id));
    expect((await get(`/firewalls/${fw.body.firewall.id}`)).body.firewall.rules).toEqual([{ direction: "in", protocol: "udp", port: "51820", source_ips: ["0.0.0.0/0"], destination_ips: [], description: null }]);
    expect((await del(`/firewalls/${fw.body.firewall.id}`)).body.error.code).toBe("resource_in_use");

    const bad = await send("POST", `/firewalls/${fw.body.firewall.id}/actions/set_rules`, { rules: [{ direction: "in", protocol: "tcp", source_ips: ["0.0.0.0/0"] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "invalid_input", details: { fields: [{ name: "rules.port" }] } });

    const deleted = await del(`/servers/${server.id}`);
    expect(deleted.body.action.command).toBe("delete_server");
    await waitActions([deleted.body.action.id]);
    const gone = await get(`/servers/${server.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error).toEqual({ code: "not_found", message: `server with ID '${server.id}' not found`, details: null });
    // auto_delete off: the address outlives the server.
    expect((await get(`/primary_ips/${ip.body.primary_ip.id}`)).body.primary_ip.assignee_id).toBeNull();
    expect((await get(`/firewalls/${fw.body.firewall.id}`)).body.firewall.applied_to).toEqual([]);

    expect((await del(`/firewalls/${fw.body.firewall.id}`)).status).toBe(204);
    expect((await del(`/primary_ips/${ip.body.primary_ip.id}`)).status).toBe(204);
    expect((await del(`/ssh_keys/${key.body.ssh_key.id}`)).status).toBe(204);
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("gives a server without an explicit IP an auto-deleted primary IP, and attaches networks", async () => {
    const net = await send("POST", "/networks", { name: "lab", ip_range: "10.0.0.0/16", subnets: [{ type: "cloud", ip_range: "10.0.1.0/24", network_zone: "eu-central" }] });
    expect(net.body.network.subnets[0]).toMatchObject({ gateway: "10.0.0.1" });
    const created = await send("POST", "/servers", { name: "app-1", server_type: "cx23", image: "ubuntu-24.04", location: "nbg1", networks: [net.body.network.id], labels: { tier: "app" } });
    const server = created.body.server;
    expect(server.private_net[0]).toMatchObject({ network: net.body.network.id, ip: "10.0.1.1" });
    const auto = (await get("/primary_ips")).body.primary_ips.filter((i: { assignee_id: number }) => i.assignee_id === server.id);
    expect(auto.map((i: { type: string; auto_delete: boolean }) => [i.type, i.auto_delete])).toEqual([["ipv4", true], ["ipv6", true]]);
    const sel = await send("POST", "/firewalls", { name: "app-fw", rules: [], apply_to: [{ type: "label_selector", label_selector: { selector: "tier=app" } }] });
    expect(sel.body.firewall.applied_to[0].applied_to_resources).toEqual([{ type: "server", server: { id: server.id } }]);
    expect((await get("/servers?label_selector=tier%3Dapp")).body.servers).toHaveLength(1);
    await del(`/servers/${server.id}`);
    expect((await get("/primary_ips")).body.primary_ips).toEqual([]);
    await send("POST", `/firewalls/${sel.body.firewall.id}/actions/remove_from_resources`, { remove_from: [{ type: "label_selector", label_selector: { selector: "tier=app" } }] });
    await del(`/firewalls/${sel.body.firewall.id}`);
    await del(`/networks/${net.body.network.id}`);
    expect(sb.inspect().leftovers).toEqual([]);
  });
});

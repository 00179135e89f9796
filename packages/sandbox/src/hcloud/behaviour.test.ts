import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { call, waitFor } from "../testClient.js";

let sb: Sandbox;
const auth = (): Record<string, string> => ({ Authorization: `Bearer ${sb.hcloud.token}` });
const get = (path: string) => call(`${sb.hcloud.endpoint}${path}`, { headers: auth() });
const send = (method: string, path: string, json?: unknown) => call(`${sb.hcloud.endpoint}${path}`, { method, headers: auth(), json: json ?? {} });
const del = (path: string) => call(`${sb.hcloud.endpoint}${path}`, { method: "DELETE", headers: auth() });
const settled = (id: number) => waitFor(async () => ((await get(`/actions/${id}`)).body.action.status !== "running" ? true : undefined));

describe("Hetzner Cloud emulator: 2026 behaviour", () => {
  beforeAll(async () => {
    sb = await startSandbox({ hcloud: { actionMs: 60 } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it("refuses an unsold server type on create and lists it as deprecated everywhere", async () => {
    const res = await send("POST", "/servers", { name: "old", server_type: "cx22", image: "debian-12", location: "fsn1" });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe("invalid_server_type");
    const [cx22] = (await get("/server_types?name=cx22")).body.server_types;
    expect(cx22).toMatchObject({ deprecated: true, deprecation: { unavailable_after: "2026-01-01T00:00:00Z" } });
    expect(cx22.locations.every((l: { available: boolean; deprecation: unknown }) => !l.available && l.deprecation)).toBe(true);
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("has no datacenters any more: 410 on the endpoint, invalid_input when a create sends one", async () => {
    expect((await get("/datacenters")).status).toBe(410);
    expect((await get("/datacenters")).body.error.code).toBe("deprecated_api_endpoint");
    const ip = await send("POST", "/primary_ips", { name: "dc-ip", type: "ipv4", datacenter: "fsn1-dc14" });
    expect(ip.status).toBe(400);
    expect(ip.body.error.details.fields[0].name).toBe("datacenter");
  });

  it("keeps a primary IP until it is unassigned, and (un)assigns only while the server is off", async () => {
    const ip = (await send("POST", "/primary_ips", { name: "keep", type: "ipv4", location: "fsn1" })).body.primary_ip;
    const created = await send("POST", "/servers", { name: "keeper", server_type: "cx23", image: "debian-12", location: "fsn1", public_net: { enable_ipv4: true, enable_ipv6: false, ipv4: ip.id } });
    expect(created.status).toBe(201);
    const server = created.body.server;
    await settled(created.body.action.id);
    await settled(created.body.next_actions[0].id);
    expect((await get(`/primary_ips/${ip.id}`)).body.primary_ip).toMatchObject({ assignee_id: server.id, assignee_type: "server" });

    const delAssigned = await del(`/primary_ips/${ip.id}`);
    expect(delAssigned.status).toBe(422);
    expect(delAssigned.body.error.code).toBe("must_be_unassigned");
    const unassignRunning = await send("POST", `/primary_ips/${ip.id}/actions/unassign`);
    expect(unassignRunning.status).toBe(422);
    expect(unassignRunning.body.error.code).toBe("server_not_stopped");

    const off = await send("POST", `/servers/${server.id}/actions/poweroff`);
    await settled(off.body.action.id);
    const unassign = await send("POST", `/primary_ips/${ip.id}/actions/unassign`);
    expect(unassign.status).toBe(201);
    await settled(unassign.body.action.id);
    expect((await get(`/primary_ips/${ip.id}`)).body.primary_ip).toMatchObject({ assignee_id: null, assignee_type: "unassigned" });
    const assign = await send("POST", `/primary_ips/${ip.id}/actions/assign`, { assignee_id: server.id, assignee_type: "server" });
    expect(assign.status).toBe(201);
    await settled(assign.body.action.id);

    // Deleting the server detaches the address it does not auto-delete; then it can go.
    await settled((await del(`/servers/${server.id}`)).body.action.id);
    expect((await del(`/primary_ips/${ip.id}`)).status).toBe(204);
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("answers 423 locked while an action runs on the server", async () => {
    const created = await send("POST", "/servers", { name: "busy", server_type: "cx23", image: "debian-12", location: "fsn1", start_after_create: false });
    const during = await send("POST", `/servers/${created.body.server.id}/actions/enable_backup`);
    expect(during.status).toBe(423);
    expect(during.body.error.code).toBe("locked");
    await settled(created.body.action.id);
    const after = await send("POST", `/servers/${created.body.server.id}/actions/enable_backup`);
    expect(after.status).toBe(201);
    await settled(after.body.action.id);
    await settled((await del(`/servers/${created.body.server.id}`)).body.action.id);
  });

  it("answers 409 conflict to a second change of a network while the first runs, and accepts it after", async () => {
    const net = (await send("POST", "/networks", { name: "race", ip_range: "10.9.0.0/16" })).body.network;
    const first = await send("POST", `/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central", ip_range: "10.9.1.0/24" });
    expect(first.status).toBe(201);
    const second = await send("POST", `/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central", ip_range: "10.9.2.0/24" });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe("conflict");
    await settled(first.body.action.id);
    expect((await send("POST", `/networks/${net.id}/actions/add_subnet`, { type: "cloud", network_zone: "eu-central", ip_range: "10.9.2.0/24" })).status).toBe(201);
    // A network in use can still be deleted: attached servers are detached.
    const s = await send("POST", "/servers", { name: "member", server_type: "cx23", image: "debian-12", location: "hel1", networks: [net.id] });
    expect(s.body.server.private_net[0]).toMatchObject({ network: net.id, ip: "10.9.1.1" });
    // ash is in us-east: no subnet there.
    const far = await send("POST", "/servers", { name: "far", server_type: "cx23", image: "debian-12", location: "ash", networks: [net.id] });
    expect(far.status).toBe(422);
    expect(far.body.error.code).toBe("no_subnet_available");
    expect((await del(`/networks/${net.id}`)).status).toBe(204);
    expect((await get(`/servers/${s.body.server.id}`)).body.server.private_net).toEqual([]);
    await settled(s.body.action.id);
    await settled(s.body.next_actions[0].id);
    await settled((await del(`/servers/${s.body.server.id}`)).body.action.id);
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("refuses malformed labels with invalid_input, and a sixth firewall on a server", async () => {
    const bad = await send("POST", "/ssh_keys", { name: "k", public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA", labels: { "bad key": "x" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0]).toEqual({ name: "labels", messages: ["label key 'bad key' is not correctly formatted"] });
    const fws = [];
    for (let i = 0; i < 6; i++) fws.push((await send("POST", "/firewalls", { name: `fw-${i}`, rules: [] })).body.firewall.id);
    const s = await send("POST", "/servers", { name: "walled", server_type: "cx23", image: "debian-12", location: "fsn1", firewalls: fws.map((id) => ({ firewall: id })) });
    expect(s.status).toBe(403);
    expect(s.body.error.code).toBe("resource_limit_exceeded");
    for (const id of fws) expect((await del(`/firewalls/${id}`)).status).toBe(204);
  });

  it("sends RateLimit-Limit/Remaining/Reset on every answer", async () => {
    const res = await fetch(`${sb.hcloud.endpoint}/locations`, { headers: auth() });
    expect(res.headers.get("RateLimit-Limit")).toBe("3600");
    expect(Number(res.headers.get("RateLimit-Remaining"))).toBeLessThan(3600);
    expect(Number(res.headers.get("RateLimit-Reset"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    const err = await fetch(`${sb.hcloud.endpoint}/servers/1`, { headers: auth() });
    expect(err.status).toBe(404);
    expect(err.headers.get("RateLimit-Remaining")).not.toBeNull();
  });

  it("injects the statuses clients retry, each with hcloud's code", async () => {
    const codes: Record<number, string> = { 409: "conflict", 423: "locked", 429: "rate_limit_exceeded", 502: "bad_gateway", 503: "maintenance", 504: "timeout" };
    for (const [status, code] of Object.entries(codes)) {
      sb.setFaults({ errorRate: 1, errorStatuses: [Number(status)] });
      const res = await get("/locations");
      expect(res.status).toBe(Number(status));
      expect(res.body.error.code).toBe(code);
    }
    sb.setFaults({ errorRate: 1, errorStatuses: [409, 502], seed: 3 });
    const seen = new Set<number>();
    for (let i = 0; i < 20; i++) seen.add((await get("/locations")).status);
    expect(seen).toEqual(new Set([409, 502]));
    sb.setFaults({});
  });
});

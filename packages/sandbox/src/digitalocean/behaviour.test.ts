import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { call, waitFor } from "../testClient.js";
import { backupPolicyFrom } from "./backups.js";
import { portsOf } from "./firewalls.js";
import { vpcDeleteProblem } from "./vpcs.js";

let sb: Sandbox;
const auth = (): Record<string, string> => ({ Authorization: `Bearer ${sb.digitalocean.token}` });
const get = (path: string) => call(`${sb.digitalocean.endpoint}/v2${path}`, { headers: auth() });
const send = (method: string, path: string, json?: unknown) => call(`${sb.digitalocean.endpoint}/v2${path}`, { method, headers: auth(), json: json ?? {} });
const del = (path: string, json?: unknown) => call(`${sb.digitalocean.endpoint}/v2${path}`, { method: "DELETE", headers: auth(), ...(json ? { json } : {}) });
const active = (id: number) => waitFor(async () => ((await get(`/droplets/${id}`)).body.droplet.status === "active" ? true : undefined));

describe("DigitalOcean rules (pure)", () => {
  it("defaults an enabled backup to daily, and takes only the documented hours and weekdays", () => {
    expect(backupPolicyFrom(undefined)).toEqual({ plan: "daily", hour: 0, window_length_hours: 4, retention_period_days: 7 });
    expect(backupPolicyFrom({ plan: "weekly", weekday: "TUE", hour: 20 })).toEqual({ plan: "weekly", weekday: "TUE", hour: 20, window_length_hours: 4, retention_period_days: 28 });
    for (const hour of [0, 4, 8, 12, 16, 20]) expect(backupPolicyFrom({ hour }).hour).toBe(hour);
    for (const bad of [{ hour: 3 }, { hour: 24 }, { plan: "hourly" }, { plan: "weekly", weekday: "SUNDAY" }, { plan: "daily", weekday: "MON" }]) {
      expect(() => backupPolicyFrom(bad)).toThrow(expect.objectContaining({ status: 422, code: "unprocessable_entity" }));
    }
  });

  it('reads "0" and "all" as all ports and checks ranges', () => {
    expect(portsOf("tcp", "0")).toBe("0");
    expect(portsOf("udp", "all")).toBe("0");
    expect(portsOf("icmp", undefined)).toBe("0");
    expect(portsOf("tcp", "8000-9000")).toBe("8000-9000");
    for (const bad of ["", "70000", "9000-8000", "http"]) expect(() => portsOf("tcp", bad)).toThrow(/ports/);
  });

  it("refuses to delete a default VPC or one with members", () => {
    expect(vpcDeleteProblem({ default: true }, 0)).toMatch(/default/);
    expect(vpcDeleteProblem({ default: false }, 2)).toMatch(/members/);
    expect(vpcDeleteProblem({ default: false }, 0)).toBeUndefined();
  });
});

describe("DigitalOcean emulator: behaviour", () => {
  beforeAll(async () => {
    sb = await startSandbox({ digitalocean: { bootMs: 80, actionMs: 80 } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it("keeps tags as state: 404 for a missing tag, created by POST /v2/tags (again: the same tag), required by firewalls", async () => {
    expect((await get("/tags/web")).status).toBe(404);
    expect((await send("POST", "/tags/web/resources", { resources: [] })).status).toBe(404);
    const fwMissing = await send("POST", "/firewalls", { name: "fw", tags: ["web"], inbound_rules: [{ protocol: "tcp", ports: "443", sources: { addresses: ["0.0.0.0/0"] } }] });
    expect(fwMissing.status).toBe(400);
    expect(fwMissing.body.id).toBe("bad_request");
    expect((await send("POST", "/tags", { name: "bad name" })).status).toBe(400);
    expect((await send("POST", "/tags", { name: "web" })).status).toBe(201);
    expect((await send("POST", "/tags", { name: "web" })).body.tag).toMatchObject({ name: "web", resources: { count: 0 } });
    const fw = await send("POST", "/firewalls", { name: "fw", tags: ["web"], inbound_rules: [{ protocol: "tcp", ports: "0", sources: { tags: ["web"] } }] });
    expect(fw.status).toBe(202);
    expect(fw.body.firewall.inbound_rules[0].ports).toBe("0");

    // A droplet may name new tags: they are created on the way (and are not the program's leftovers).
    const dr = await send("POST", "/droplets", { name: "tagged", region: "fra1", size: "s-1vcpu-1gb", image: "debian-12-x64", tags: ["web", "env:lab"] });
    expect((await get("/tags/env:lab")).body.tag.resources.count).toBe(1);
    await active(dr.body.droplet.id);
    expect((await get("/tags/web")).body.tag.resources.droplets.count).toBe(1);
    expect((await del(`/droplets/${dr.body.droplet.id}`)).status).toBe(204);
    expect((await del(`/firewalls/${fw.body.firewall.id}`)).status).toBe(204);
    expect(sb.inspect().leftovers).toEqual(["digitalocean tag web"]);
    expect((await del("/tags/web")).status).toBe(204);
    expect((await del("/tags/web")).status).toBe(404);
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("defaults backups to daily when enabled without a policy, refuses an hour outside the list", async () => {
    const bad = await send("POST", "/droplets", { name: "b0", region: "fra1", size: "s-1vcpu-1gb", image: "debian-12-x64", backups: true, backup_policy: { plan: "weekly", hour: 3 } });
    expect(bad.status).toBe(422);
    const dr = await send("POST", "/droplets", { name: "b1", region: "fra1", size: "s-1vcpu-1gb", image: "debian-12-x64", backups: true });
    expect((await get(`/droplets/${dr.body.droplet.id}/backups/policy`)).body.policy.backup_policy).toMatchObject({ plan: "daily", retention_period_days: 7 });
    await active(dr.body.droplet.id);
    expect((await del(`/droplets/${dr.body.droplet.id}`)).status).toBe(204);
  });

  it("answers 422 'Droplet already has a pending event.' to an action while another runs, and to a reserved IP assignment", async () => {
    const dr = (await send("POST", "/droplets", { name: "busy", region: "fra1", size: "s-1vcpu-1gb", image: "debian-12-x64" })).body.droplet;
    const early = await send("POST", `/droplets/${dr.id}/actions`, { type: "power_off" });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ id: "unprocessable_entity", message: "Droplet already has a pending event." });
    expect((await get(`/droplets/${dr.id}`)).body.droplet.locked).toBe(true);
    await active(dr.id);
    const ip = (await send("POST", "/reserved_ips", { region: "fra1" })).body.reserved_ip.ip;
    const off = await send("POST", `/droplets/${dr.id}/actions`, { type: "power_off" });
    expect(off.status).toBe(201);
    const assign = await send("POST", `/reserved_ips/${ip}/actions`, { type: "assign", droplet_id: dr.id });
    expect(assign.status).toBe(422);
    expect(assign.body.message).toBe("Droplet already has a pending event.");
    await waitFor(async () => ((await get(`/actions/${off.body.action.id}`)).body.action.status === "completed" ? true : undefined));
    const assigned = await send("POST", `/reserved_ips/${ip}/actions`, { type: "assign", droplet_id: dr.id });
    expect(assigned.status).toBe(201);
    expect((await send("POST", `/droplets/${dr.id}/actions`, { type: "power_on" })).status).toBe(422);
    await waitFor(async () => ((await get(`/actions/${assigned.body.action.id}`)).body.action.status === "completed" ? true : undefined));
    expect((await del(`/droplets/${dr.id}`)).status).toBe(204);
    expect((await del(`/reserved_ips/${ip}`)).status).toBe(204);
  });

  it("refuses to delete a region's default VPC with 403", async () => {
    const dr = (await send("POST", "/droplets", { name: "d", region: "lon1", size: "s-1vcpu-1gb", image: "debian-12-x64" })).body.droplet;
    const res = await del(`/vpcs/${dr.vpc_uuid}`);
    expect(res.status).toBe(403);
    expect(res.body.id).toBe("forbidden");
    await active(dr.id);
    await del(`/droplets/${dr.id}`);
  });

  it("links are absolute URLs; every answer carries ratelimit-limit/remaining/reset", async () => {
    const dr = await send("POST", "/droplets", { name: "l", region: "fra1", size: "s-1vcpu-1gb", image: "debian-12-x64" });
    expect(dr.body.links.actions[0].href).toBe(`${sb.digitalocean.endpoint}/v2/actions/${dr.body.links.actions[0].id}`);
    const res = await fetch(`${sb.digitalocean.endpoint}/v2/regions`, { headers: auth() });
    expect(res.headers.get("ratelimit-limit")).toBe("5000");
    expect(Number(res.headers.get("ratelimit-remaining"))).toBeLessThan(5000);
    expect(Number(res.headers.get("ratelimit-reset"))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    await active(dr.body.droplet.id);
    await del(`/droplets/${dr.body.droplet.id}`);
  });

  it("injects 429 as too_many_requests and 5xx with DigitalOcean ids", async () => {
    sb.setFaults({ errorRate: 1, errorStatuses: [429] });
    expect((await get("/regions")).body).toMatchObject({ id: "too_many_requests", message: "API Rate limit exceeded." });
    sb.setFaults({ errorRate: 1, errorStatuses: [503] });
    expect((await get("/regions")).status).toBe(503);
    sb.setFaults({});
  });
});

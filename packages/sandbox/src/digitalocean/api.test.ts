import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { call, waitFor } from "../testClient.js";

let sb: Sandbox;
const url = (path: string): string => `${sb.digitalocean.endpoint}/v2${path}`;
const auth = (): Record<string, string> => ({ Authorization: `Bearer ${sb.digitalocean.token}` });
const get = (path: string) => call(url(path), { headers: auth() });
const send = (method: string, path: string, json?: unknown) => call(url(path), { method, headers: auth(), json: json ?? {} });
const del = (path: string) => call(url(path), { method: "DELETE", headers: auth() });

describe("DigitalOcean emulator", () => {
  beforeAll(async () => {
    sb = await startSandbox({ digitalocean: { bootMs: 40, actionMs: 20 } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it("answers a wrong bearer token with DigitalOcean's 401", async () => {
    const res = await call(url("/droplets"), { headers: { Authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ id: "Unauthorized", message: "Unable to authenticate you" });
  });

  it("serves sizes, regions and images", async () => {
    expect((await get("/sizes")).body.sizes.map((s: { slug: string }) => s.slug)).toContain("s-1vcpu-1gb");
    expect((await get("/regions")).body.regions[0]).toMatchObject({ slug: "fra1", available: true });
    expect((await get("/images/debian-12-x64")).body.image).toMatchObject({ slug: "debian-12-x64", distribution: "Debian" });
    const paged = await get("/sizes?per_page=2");
    expect(paged.body.links.pages.next).toBe(`${sb.digitalocean.endpoint}/v2/sizes?page=2&per_page=2`);
    expect(paged.body.meta.total).toBeGreaterThan(2);
  });

  it("runs a droplet with a VPC, reserved IP and firewall through its lifecycle", async () => {
    const key = await send("POST", "/account/keys", { name: "ops", public_key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@example" });
    expect(key.status).toBe(201);
    expect((await get(`/account/keys/${key.body.ssh_key.fingerprint}`)).body.ssh_key.id).toBe(key.body.ssh_key.id);

    const vpc = await send("POST", "/vpcs", { name: "edge", region: "fra1", ip_range: "10.30.0.0/20" });
    expect(vpc.status).toBe(201);

    const created = await send("POST", "/droplets", {
      name: "gw-1",
      region: "fra1",
      size: "s-1vcpu-1gb",
      image: "debian-12-x64",
      ssh_keys: [key.body.ssh_key.id],
      vpc_uuid: vpc.body.vpc.id,
      backups: true,
      backup_policy: { plan: "daily", hour: 4 },
      user_data: "#cloud-config\n",
      tags: ["hearth"],
    });
    expect(created.status).toBe(202);
    const id = created.body.droplet.id;
    expect(created.body.droplet).toMatchObject({ status: "new", vpc_uuid: vpc.body.vpc.id, size_slug: "s-1vcpu-1gb", networks: { v4: [], v6: [] } });
    expect(created.body.links.actions[0]).toMatchObject({ rel: "create" });
    const active = await waitFor(async () => {
      const d = (await get(`/droplets/${id}`)).body.droplet;
      return d.status === "active" ? d : undefined;
    });
    expect(active.networks.v4.map((n: { type: string }) => n.type)).toEqual(["public", "private"]);
    expect(active.networks.v4[1].ip_address).toMatch(/^10\.30\.([0-9]|1[0-5])\.\d+$/);
    expect((await get(`/droplets/${id}/backups/policy`)).body.policy).toMatchObject({ backup_enabled: true, backup_policy: { plan: "daily", hour: 4 } });

    const ip = await send("POST", "/reserved_ips", { region: "fra1" });
    expect(ip.status).toBe(202);
    const address = ip.body.reserved_ip.ip;
    const assign = await send("POST", `/reserved_ips/${address}/actions`, { type: "assign", droplet_id: id });
    expect(assign.status).toBe(201);
    expect(assign.body.action).toMatchObject({ type: "assign_ip", status: "in-progress", resource_type: "reserved_ip" });
    await waitFor(async () => (await get(`/reserved_ips/${address}/actions/${assign.body.action.id}`)).body.action.status === "completed");
    expect((await get(`/actions/${assign.body.action.id}`)).body.action.status).toBe("completed");
    expect((await get(`/reserved_ips/${address}`)).body.reserved_ip.droplet.id).toBe(id);

    const fw = await send("POST", "/firewalls", {
      name: "gw-fw",
      inbound_rules: [{ protocol: "tcp", ports: "443", sources: { addresses: ["0.0.0.0/0", "::/0"] } }],
      outbound_rules: [{ protocol: "tcp", ports: "all", destinations: { addresses: ["0.0.0.0/0"] } }],
      droplet_ids: [id],
    });
    expect(fw.status).toBe(202);
    expect(fw.body.firewall).toMatchObject({ status: "succeeded", droplet_ids: [id], pending_changes: [] });
    const updated = await send("PUT", `/firewalls/${fw.body.firewall.id}`, { name: "gw-fw", inbound_rules: [{ protocol: "udp", ports: "51820", sources: { addresses: ["0.0.0.0/0"] } }], droplet_ids: [id] });
    expect(updated.body.firewall.inbound_rules).toEqual([{ protocol: "udp", ports: "51820", sources: { addresses: ["0.0.0.0/0"] } }]);

    const off = await send("POST", `/droplets/${id}/actions`, { type: "power_off" });
    await waitFor(async () => (await get(`/droplets/${id}/actions/${off.body.action.id}`)).body.action.status === "completed");
    expect((await get(`/droplets/${id}`)).body.droplet.status).toBe("off");

    expect((await del(`/reserved_ips/${address}`)).status).toBe(422);
    expect((await del(`/vpcs/${vpc.body.vpc.id}`)).body).toMatchObject({ id: "forbidden" });
    expect((await del(`/droplets/${id}`)).status).toBe(204);
    const gone = await get(`/droplets/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ id: "not_found", message: "The resource you were accessing could not be found." });
    expect((await get(`/reserved_ips/${address}`)).body.reserved_ip.droplet).toBeNull();
    expect((await get(`/firewalls/${fw.body.firewall.id}`)).body.firewall.droplet_ids).toEqual([]);

    for (const path of [`/reserved_ips/${address}`, `/firewalls/${fw.body.firewall.id}`, `/vpcs/${vpc.body.vpc.id}`, `/account/keys/${key.body.ssh_key.id}`]) expect((await del(path)).status).toBe(204);
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("puts a droplet without a VPC into the region's default VPC, which is not a leftover", async () => {
    const created = await send("POST", "/droplets", { name: "plain", region: "ams3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64" });
    const vpc = (await get(`/vpcs/${created.body.droplet.vpc_uuid}`)).body.vpc;
    expect(vpc).toMatchObject({ region: "ams3", default: true });
    expect((await send("POST", "/droplets", { name: "bad", region: "ams3", size: "huge", image: "ubuntu-24-04-x64" })).status).toBe(422);
    await del(`/droplets/${created.body.droplet.id}`);
    expect(sb.inspect().leftovers).toEqual([]);
  });
});

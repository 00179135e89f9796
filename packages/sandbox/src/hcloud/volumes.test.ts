import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { startSandbox, type Sandbox } from "../server.js";
import { call, waitFor } from "../testClient.js";
import { VOLUME_NAME, volumeRules } from "./volumes.js";

let sb: Sandbox;
const auth = (): Record<string, string> => ({ Authorization: `Bearer ${sb.hcloud.token}` });
const get = (path: string) => call(`${sb.hcloud.endpoint}${path}`, { headers: auth() });
const send = (method: string, path: string, json?: unknown) => call(`${sb.hcloud.endpoint}${path}`, { method, headers: auth(), json: json ?? {} });
const del = (path: string) => call(`${sb.hcloud.endpoint}${path}`, { method: "DELETE", headers: auth() });
const settled = (id: number) => waitFor(async () => {
  const a = (await get(`/actions/${id}`)).body.action;
  return a.status !== "running" ? a : undefined;
});

describe("hcloud volume rules (hcloud-openapi.json POST /volumes, resize)", () => {
  it("takes 10 to 10240 GB and only grows", () => {
    expect(volumeRules.size(9)).toMatch(/between 10 and 10240/);
    expect(volumeRules.size(10)).toBeUndefined();
    expect(volumeRules.size(10241)).toMatch(/between/);
    expect(volumeRules.size(20, 20)).toMatch(/greater than the current size/);
    fc.assert(fc.property(fc.integer({ min: 10, max: 10240 }), fc.integer({ min: 10, max: 10240 }), (a, b) => (volumeRules.size(b, a) === undefined) === b > a));
  });
  it("names: alphanumeric at both ends, dashes, underscores, dots, at most 64", () => {
    for (const ok of ["data", "db-1", "a.b_c", "x".repeat(64)]) expect(VOLUME_NAME.test(ok)).toBe(true);
    for (const bad of ["-a", "a-", "a b", "x".repeat(65), ""]) expect(VOLUME_NAME.test(bad)).toBe(false);
  });
});

describe("hcloud volumes and snapshots over HTTP", () => {
  beforeAll(async () => {
    // Long enough that a request right after a create still finds its actions running, even on a loaded machine.
    sb = await startSandbox({ hcloud: { actionMs: 300 } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it("creates a volume on a server (create_volume then attach_volume), refuses deleting it while attached, detaches, grows and deletes it", async () => {
    const created = await send("POST", "/servers", { name: "db", server_type: "cx23", image: "debian-12", location: "nbg1" });
    const server = created.body.server;
    await settled(created.body.action.id);
    for (const a of created.body.next_actions) await settled(a.id);

    const res = await send("POST", "/volumes", { name: "pgdata", size: 20, server: server.id, format: "ext4", automount: false, labels: { app: "db" } });
    expect(res.status).toBe(201);
    const vol = res.body.volume;
    expect(vol).toMatchObject({ name: "pgdata", size: 20, format: "ext4", server: server.id, status: "creating", location: { name: "nbg1" }, linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${vol.id}` });
    expect(res.body.action.command).toBe("create_volume");
    expect(res.body.next_actions.map((a: { command: string }) => a.command)).toEqual(["attach_volume"]);
    // The server is locked while the volume attaches.
    expect((await send("POST", `/servers/${server.id}/actions/poweroff`)).status).toBe(423);
    await settled(res.body.action.id);
    await settled(res.body.next_actions[0].id);
    expect((await get(`/volumes/${vol.id}`)).body.volume.status).toBe("available");
    expect((await get(`/servers/${server.id}`)).body.server.volumes).toEqual([vol.id]);

    const attached = await del(`/volumes/${vol.id}`);
    expect(attached.status).toBe(422);
    expect(attached.body.error.code).toBe("volume_already_attached");
    expect((await send("POST", "/volumes", { name: "pgdata", size: 10, location: "nbg1" })).body.error.code).toBe("uniqueness_error");
    expect((await send("POST", "/volumes", { name: "tiny", size: 5, location: "nbg1" })).body.error.details.fields[0].name).toBe("size");
    expect((await send("POST", "/volumes", { name: "auto", size: 10, location: "nbg1", automount: true })).body.error.details.fields[0].name).toBe("automount");

    // Shrinking is refused; growing runs a resize_volume action.
    expect((await send("POST", `/volumes/${vol.id}/actions/resize`, { size: 15 })).body.error.code).toBe("invalid_input");
    const grow = await send("POST", `/volumes/${vol.id}/actions/resize`, { size: 40 });
    expect(grow.status).toBe(201);
    expect((await settled(grow.body.action.id)).status).toBe("success");
    expect((await get(`/volumes/${vol.id}`)).body.volume.size).toBe(40);

    // Protection blocks a delete even when detached.
    await settled((await send("POST", `/volumes/${vol.id}/actions/change_protection`, { delete: true })).body.action.id);
    const detach = await send("POST", `/volumes/${vol.id}/actions/detach`);
    expect(detach.body.action.command).toBe("detach_volume");
    await settled(detach.body.action.id);
    expect((await get(`/servers/${server.id}`)).body.server.volumes).toEqual([]);
    expect((await del(`/volumes/${vol.id}`)).body.error.code).toBe("protected");
    await settled((await send("POST", `/volumes/${vol.id}/actions/change_protection`, { delete: false })).body.action.id);

    // A volume attaches only in its own location.
    const far = (await send("POST", "/volumes", { name: "far", size: 10, location: "hel1" })).body;
    await settled(far.action.id);
    const wrongLoc = await send("POST", `/volumes/${far.volume.id}/actions/attach`, { server: server.id });
    expect(wrongLoc.status).toBe(422);
    // Re-attach, then deleting the server detaches the volume and keeps it.
    await settled((await send("POST", `/volumes/${vol.id}/actions/attach`, { server: server.id, automount: false })).body.action.id);
    expect((await send("POST", `/volumes/${vol.id}/actions/attach`, { server: server.id })).body.error.code).toBe("volume_already_attached");
    expect((await del(`/servers/${server.id}`)).status).toBe(200);
    expect((await get(`/volumes/${vol.id}`)).body.volume.server).toBeNull();
    expect((await del(`/volumes/${vol.id}`)).status).toBe(204);
    expect((await del(`/volumes/${far.volume.id}`)).status).toBe(204);
    expect(sb.inspect().leftovers).toEqual([]);
  });

  it("snapshots a server into an image that survives the server; backups need backups enabled and go with it", async () => {
    const created = await send("POST", "/servers", { name: "snapme", server_type: "cx23", image: "ubuntu-24.04", location: "fsn1" });
    const server = created.body.server;
    await settled(created.body.action.id);
    for (const a of created.body.next_actions) await settled(a.id);
    const snap = await send("POST", `/servers/${server.id}/actions/create_image`, { type: "snapshot", description: "before upgrade", labels: { keep: "yes" } });
    expect(snap.status).toBe(201);
    expect(snap.body.image).toMatchObject({ type: "snapshot", status: "creating", name: null, description: "before upgrade", created_from: { id: server.id, name: "snapme" }, bound_to: null, os_flavor: "ubuntu" });
    expect((await settled(snap.body.action.id)).status).toBe("success");
    const id = snap.body.image.id;
    expect((await get(`/images/${id}`)).body.image.status).toBe("available");
    expect((await get("/images?type=snapshot")).body.images.map((i: { id: number }) => i.id)).toEqual([id]);
    expect((await send("PUT", `/images/${id}`, { description: "renamed", labels: {} })).body.image.description).toBe("renamed");

    expect((await send("POST", `/servers/${server.id}/actions/create_image`, { type: "backup" })).status).toBe(422);
    await settled((await send("POST", `/servers/${server.id}/actions/enable_backup`)).body.action.id);
    const backup = await send("POST", `/servers/${server.id}/actions/create_image`, { type: "backup" });
    expect(backup.body.image.bound_to).toBe(server.id);
    await settled(backup.body.action.id);
    expect((await del(`/servers/${server.id}`)).status).toBe(200);
    expect((await get(`/images/${backup.body.image.id}`)).status).toBe(404);
    expect((await get(`/images/${id}`)).status).toBe(200);
    // A new server starts from the snapshot.
    const restored = await send("POST", "/servers", { name: "snapme-2", server_type: "cx23", image: id, location: "fsn1" });
    expect(restored.status).toBe(201);
    expect(restored.body.server.image).toMatchObject({ id, type: "snapshot" });
    await settled(restored.body.action.id);
    for (const a of restored.body.next_actions) await settled(a.id);
    expect((await del(`/servers/${restored.body.server.id}`)).status).toBe(200);
    // System images cannot be deleted; a protected snapshot neither.
    expect((await del("/images/161547269")).status).toBe(422);
    await settled((await send("POST", `/images/${id}/actions/change_protection`, { delete: true })).body.action.id);
    expect((await del(`/images/${id}`)).body.error.code).toBe("protected");
    await settled((await send("POST", `/images/${id}/actions/change_protection`, { delete: false })).body.action.id);
    expect((await del(`/images/${id}`)).status).toBe(204);
    expect(sb.inspect().leftovers).toEqual([]);
  });
});

describe("sandbox-only volume files and guest user data", () => {
  beforeAll(async () => {
    sb = await startSandbox({ hcloud: { actionMs: 20 } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it("files follow the volume through detach and attach to another server, never the server; the server's user data is kept and never served", async () => {
    const boot = async (name: string) => {
      const r = await send("POST", "/servers", { name, server_type: "cx23", image: "debian-12", location: "fsn1", user_data: `#cloud-config\nhostname: ${name}\n` });
      await settled(r.body.action.id);
      for (const a of r.body.next_actions) await settled(a.id);
      return r.body.server.id as number;
    };
    const first = await boot("one");
    const second = await boot("two");
    expect((await get(`/servers/${first}`)).body.server).not.toHaveProperty("user_data");
    expect(sb.inspect().hcloud.guestUserData?.[String(first)]).toBe("#cloud-config\nhostname: one\n");

    const createdVolume = await send("POST", "/volumes", { name: "marker", size: 10, location: "fsn1" });
    const vol = createdVolume.body.volume;
    await settled(createdVolume.body.action.id);
    // Nothing can write to a volume no server has attached.
    expect(() => sb.writeVolumeFile({ api: "hcloud", volumeId: vol.id, path: "/m", content: "x" })).toThrow(/attached to no server/);
    await settled((await send("POST", `/volumes/${vol.id}/actions/attach`, { server: first })).body.action.id);
    sb.writeVolumeFile({ api: "hcloud", volumeId: vol.id, path: "/m", content: "x" });
    await settled((await send("POST", `/volumes/${vol.id}/actions/detach`)).body.action.id);
    await settled((await send("POST", `/volumes/${vol.id}/actions/attach`, { server: second })).body.action.id);
    expect(sb.volumeFiles({ api: "hcloud", volumeId: vol.id })).toEqual({ attachedTo: second, files: { "/m": "x" } });

    // Deleting the server forgets its user data; deleting the volume its files.
    await del(`/servers/${second}`);
    expect(sb.inspect().hcloud.guestUserData?.[String(second)]).toBeUndefined();
    expect(sb.volumeFiles({ api: "hcloud", volumeId: vol.id }).attachedTo).toBeNull();
    expect((await del(`/volumes/${vol.id}`)).status).toBe(204);
    expect(() => sb.volumeFiles({ api: "hcloud", volumeId: vol.id })).toThrow(/no hcloud volume/);
  });
});

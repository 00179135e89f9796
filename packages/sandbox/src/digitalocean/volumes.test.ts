import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { startSandbox, type Sandbox } from "../server.js";
import { call, waitFor } from "../testClient.js";
import { DO_VOLUME_NAME, doVolumeRules } from "./volumes.js";

let sb: Sandbox;
const auth = (): Record<string, string> => ({ Authorization: `Bearer ${sb.digitalocean.token}` });
const get = (path: string) => call(`${sb.digitalocean.endpoint}/v2${path}`, { headers: auth() });
const send = (method: string, path: string, json?: unknown) => call(`${sb.digitalocean.endpoint}/v2${path}`, { method, headers: auth(), json: json ?? {} });
const del = (path: string) => call(`${sb.digitalocean.endpoint}/v2${path}`, { method: "DELETE", headers: auth() });
const done = (id: number) => waitFor(async () => ((await get(`/actions/${id}`)).body.action.status !== "in-progress" ? true : undefined));
const active = (id: number) => waitFor(async () => ((await get(`/droplets/${id}`)).body.droplet.status === "active" ? true : undefined));

describe("DigitalOcean volume rules (digitalocean-openapi.json)", () => {
  it("names: lowercase letters, digits and '-', starting with a letter, at most 64", () => {
    for (const ok of ["data", "pg-1", "a".repeat(64)]) expect(DO_VOLUME_NAME.test(ok)).toBe(true);
    for (const bad of ["1data", "Data", "a_b", "a".repeat(65), ""]) expect(DO_VOLUME_NAME.test(bad)).toBe(false);
  });
  it("sizes grow only, up to 16 TiB", () => {
    expect(doVolumeRules.size(16385)).toMatch(/16TiB/);
    fc.assert(fc.property(fc.integer({ min: 1, max: 16384 }), fc.integer({ min: 1, max: 16384 }), (a, b) => (doVolumeRules.size(b, a) === undefined) === b > a));
  });
});

describe("DigitalOcean volumes and volume snapshots over HTTP", () => {
  beforeAll(async () => {
    sb = await startSandbox({ digitalocean: { bootMs: 80, actionMs: 60 } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it("creates, attaches (not while the droplet is busy), refuses deleting attached, detaches, grows, snapshots and restores a volume", async () => {
    const created = await send("POST", "/volumes", { name: "pgdata", region: "fra1", size_gigabytes: 10, filesystem_type: "ext4", filesystem_label: "pg", description: "db", tags: ["db"] });
    expect(created.status).toBe(201);
    const vol = created.body.volume;
    expect(vol).toMatchObject({ name: "pgdata", size_gigabytes: 10, droplet_ids: [], filesystem_type: "ext4", filesystem_label: "pg", region: { slug: "fra1" }, tags: ["db"] });
    expect((await send("POST", "/volumes", { name: "Bad_Name", region: "fra1", size_gigabytes: 10 })).status).toBe(400);

    const dr = (await send("POST", "/droplets", { name: "db-1", region: "fra1", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64" })).body.droplet;
    // The droplet's create event is pending until it is active.
    const busy = await send("POST", `/volumes/${vol.id}/actions`, { type: "attach", droplet_id: dr.id, region: "fra1" });
    expect(busy.status).toBe(422);
    expect(busy.body.message).toBe("Droplet already has a pending event.");
    await active(dr.id);
    const attach = await send("POST", `/volumes/${vol.id}/actions`, { type: "attach", droplet_id: dr.id, region: "fra1" });
    expect(attach.status).toBe(202);
    expect(attach.body.action).toMatchObject({ type: "attach_volume", status: "in-progress", resource_type: "volume" });
    await done(attach.body.action.id);
    expect((await get(`/volumes/${vol.id}`)).body.volume.droplet_ids).toEqual([dr.id]);
    expect((await get(`/droplets/${dr.id}`)).body.droplet.volume_ids).toEqual([vol.id]);

    const attachedDelete = await del(`/volumes/${vol.id}`);
    expect(attachedDelete.status).toBe(409);
    expect(attachedDelete.body.message).toBe("attached volume cannot be deleted");

    expect((await send("POST", `/volumes/${vol.id}/actions`, { type: "resize", size_gigabytes: 5, region: "fra1" })).status).toBe(422);
    const resize = await send("POST", `/volumes/${vol.id}/actions`, { type: "resize", size_gigabytes: 20, region: "fra1" });
    await done(resize.body.action.id);
    expect((await get(`/volumes/${vol.id}`)).body.volume.size_gigabytes).toBe(20);

    const snap = await send("POST", `/volumes/${vol.id}/snapshots`, { name: "pg-before-upgrade", tags: ["db"] });
    expect(snap.status).toBe(201);
    expect(snap.body.snapshot).toMatchObject({ name: "pg-before-upgrade", resource_id: vol.id, resource_type: "volume", regions: ["fra1"], min_disk_size: 20 });
    expect((await get(`/snapshots/${snap.body.snapshot.id}`)).body.snapshot.id).toBe(snap.body.snapshot.id);
    expect((await get(`/volumes/${vol.id}/snapshots`)).body.snapshots).toHaveLength(1);

    const detach = await send("POST", `/volumes/${vol.id}/actions`, { type: "detach", droplet_id: dr.id, region: "fra1" });
    await done(detach.body.action.id);
    expect((await send("POST", `/volumes/${vol.id}/actions`, { type: "detach", droplet_id: dr.id, region: "fra1" })).body.message).toBe("Attachment not found");
    expect((await del(`/volumes/${vol.id}`)).status).toBe(204);
    // The snapshot outlives the volume and restores into a new one of at least its size.
    expect((await send("POST", "/volumes", { name: "pgdata-2", region: "fra1", snapshot_id: snap.body.snapshot.id, size_gigabytes: 10 })).status).toBe(400);
    // The document requires size_gigabytes even with a snapshot (both anyOf branches list it).
    const bare = await send("POST", "/volumes", { name: "pgdata-2", region: "fra1", snapshot_id: snap.body.snapshot.id });
    expect(bare.status).toBe(400);
    const restored = await send("POST", "/volumes", { name: "pgdata-2", region: "fra1", snapshot_id: snap.body.snapshot.id, size_gigabytes: 30 });
    expect(restored.body.volume.size_gigabytes).toBe(30);

    // Destroying a droplet detaches its volumes; they stay.
    const att2 = await send("POST", `/volumes/${restored.body.volume.id}/actions`, { type: "attach", droplet_id: dr.id, region: "fra1" });
    await done(att2.body.action.id);
    expect((await del(`/droplets/${dr.id}`)).status).toBe(204);
    expect((await get(`/volumes/${restored.body.volume.id}`)).body.volume.droplet_ids).toEqual([]);
    expect((await del(`/volumes/${restored.body.volume.id}`)).status).toBe(204);
    expect((await del(`/volumes/snapshots/${snap.body.snapshot.id}`)).status).toBe(204);
    expect(sb.inspect().leftovers).toEqual([]);
  });
});

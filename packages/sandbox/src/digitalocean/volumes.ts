import { isoNow } from "../router.js";
import type { DoAction } from "../state.js";
import { actionView } from "./actions.js";
import { regionOf, regionView } from "./catalog.js";
import type { DoKit, Obj } from "./context.js";
import { refuseIfPending } from "./droplets.js";
import { badRequest, fail, notFound, unprocessable, uuidFrom } from "./errors.js";
import { ensureTag } from "./tags.js";

/**
 * Block storage volumes and their snapshots: ../shared/specs/digitalocean-openapi.json
 * `POST /v2/volumes` (name "lowercase and ... only of numbers, letters and "-", up to a limit of
 * 64 characters ... must begin with a letter"; `size_gigabytes` or `snapshot_id`; optional
 * `filesystem_type`/`filesystem_label`), `POST /v2/volumes/{volume_id}/actions` (attach: "Each
 * volume may only be attached to a single Droplet. However, up to fifteen volumes may be
 * attached to a Droplet at a time"; resize: "Volumes may only be resized upwards. The maximum
 * size for a volume is 16TiB"), `POST /v2/volumes/{volume_id}/snapshots`, `GET/DELETE
 * /v2/snapshots/{id}` and `/v2/volumes/snapshots/{id}`. Calls as godo `storage.go`,
 * `storage_actions.go` and terraform-provider-digitalocean `digitalocean/volume/` make them.
 */
export interface VolumeRecord extends Obj {
  id: string;
  name: string;
  description: string;
  size_gigabytes: number;
  droplet_ids: number[];
  region: Obj & { slug: string };
  created_at: string;
  filesystem_type: string;
  filesystem_label: string;
  tags: string[];
}

export interface SnapshotRecord extends Obj {
  id: string;
  name: string;
  regions: string[];
  created_at: string;
  resource_id: string;
  resource_type: "volume";
  min_disk_size: number;
  size_gigabytes: number;
  tags: string[];
}

/** The spec's name rule for volumes. */
export const DO_VOLUME_NAME = /^[a-z][a-z0-9-]{0,63}$/;
/** Resize: "The maximum size for a volume is 16TiB" (`size_gigabytes` maximum 16384). */
export const DO_VOLUME_MAX_GIB = 16384;
/** "up to fifteen volumes may be attached to a Droplet at a time". */
export const DO_VOLUMES_PER_DROPLET = 15;

export const doVolumeRules = {
  name: (name: unknown): string | undefined => (typeof name === "string" && DO_VOLUME_NAME.test(name) ? undefined : "Name must be lowercase letters, numbers and '-', start with a letter, at most 64 characters."),
  size(size: unknown, current?: number): string | undefined {
    if (typeof size !== "number" || !Number.isInteger(size) || size < 1) return "size_gigabytes must be a positive integer";
    if (size > DO_VOLUME_MAX_GIB) return `The maximum size for a volume is ${DO_VOLUME_MAX_GIB} GiB (16TiB).`;
    if (current !== undefined && size <= current) return "Volumes may only be resized upwards.";
    return undefined;
  },
  /**
   * Deleting an attached volume: 409 "attached volume cannot be deleted" (the API's answer quoted
   * in digitalocean/doctl issue #358; terraform-provider-digitalocean issue #27 shows the same 409).
   */
  deleteProblem: (v: VolumeRecord): string | undefined => (v.droplet_ids.length > 0 ? "attached volume cannot be deleted" : undefined),
};

const state = (kit: DoKit): { volumes: Record<string, VolumeRecord>; snapshots: Record<string, SnapshotRecord> } => {
  const d = kit.store.data.digitalocean as { volumes?: Record<string, VolumeRecord>; snapshots?: Record<string, SnapshotRecord> };
  return { volumes: (d.volumes ??= {}), snapshots: (d.snapshots ??= {}) };
};

/** A droplet's `volume_ids`. */
const syncDroplet = (kit: DoKit, dropletId: number): void => {
  const dr = kit.droplets[dropletId];
  if (dr) dr.volume_ids = Object.values(state(kit).volumes).filter((v) => v.droplet_ids.includes(dropletId)).map((v) => v.id);
};

/** Destroying a droplet detaches its volumes (they outlive it). */
export function detachVolumesOfDroplet(kit: DoKit, dropletId: number): void {
  for (const v of Object.values(state(kit).volumes)) v.droplet_ids = v.droplet_ids.filter((id) => id !== dropletId);
}

export function registerVolumes(kit: DoKit): void {
  const { r, ok, list, store } = kit;
  const { volumes, snapshots } = state(kit);
  const getVolume = (id: string | undefined): VolumeRecord => volumes[id!] ?? notFound();
  const getSnapshot = (id: string | undefined): SnapshotRecord => snapshots[id!] ?? notFound();
  const view = (v: VolumeRecord): Obj => ({ ...v, region: regionView(v.region.slug) });
  const volumeAction = (type: string, v: VolumeRecord, done?: () => void, dropletId?: number): DoAction => {
    const a = kit.newAction(type, null, "volume", v.region.slug, done);
    if (dropletId !== undefined) kit.touchDroplet(a.id, dropletId);
    return a;
  };

  r.get("/volumes", (q) => {
    const name = q.query.get("name");
    const region = q.query.get("region");
    return list(q, "volumes", Object.values(volumes).filter((v) => (!name || v.name === name) && (!region || v.region.slug === region)).map(view));
  });
  r.get("/volumes/:id", (q) => ok({ volume: view(getVolume(q.params.id)) }));

  r.post("/volumes", (q) => {
    const nameProblem = doVolumeRules.name(q.body.name);
    if (nameProblem) badRequest(nameProblem);
    const region = regionOf(q.body.region);
    if (Object.values(volumes).some((v) => v.name === q.body.name && v.region.slug === region)) fail(409, "conflict", "a volume with the same name already exists in the region");
    let size: number;
    if (q.body.snapshot_id !== undefined) {
      const snap = snapshots[String(q.body.snapshot_id)] ?? badRequest("snapshot not found");
      if (!snap.regions.includes(region)) badRequest(`snapshot is not available in region ${region}`);
      size = typeof q.body.size_gigabytes === "number" ? q.body.size_gigabytes : snap.min_disk_size;
      if (size < snap.min_disk_size) badRequest(`size_gigabytes must be at least ${snap.min_disk_size} for this snapshot`);
    } else {
      const sizeProblem = doVolumeRules.size(q.body.size_gigabytes);
      if (sizeProblem) badRequest(sizeProblem);
      size = q.body.size_gigabytes as number;
    }
    const fsType = q.body.filesystem_type === undefined ? "" : String(q.body.filesystem_type);
    if (fsType && fsType !== "ext4" && fsType !== "xfs") badRequest("filesystem_type must be ext4 or xfs");
    const tags = Array.isArray(q.body.tags) ? (q.body.tags as unknown[]).map(String) : [];
    for (const t of tags) ensureTag(kit, t, true); // "existing or new tags"
    const id = uuidFrom(`volume-${store.nextId()}`);
    const v: VolumeRecord = {
      id,
      name: String(q.body.name),
      description: typeof q.body.description === "string" ? q.body.description : "",
      size_gigabytes: size,
      droplet_ids: [],
      region: { slug: region },
      created_at: isoNow(),
      filesystem_type: fsType,
      filesystem_label: typeof q.body.filesystem_label === "string" ? q.body.filesystem_label : "",
      tags,
    };
    volumes[id] = v;
    store.changed();
    return ok({ volume: view(v) }, 201);
  });

  r.delete("/volumes/:id", (q) => {
    const v = getVolume(q.params.id);
    const problem = doVolumeRules.deleteProblem(v);
    if (problem) fail(409, "conflict", problem);
    delete volumes[v.id];
    store.changed();
    return { status: 204 };
  });

  /**
   * Volume actions. attach/detach name a droplet in the volume's region; while another event runs
   * on the droplet they are refused 422 "Droplet already has a pending event." (which
   * terraform-provider-digitalocean `resource_volume_attachment.go` retries); a detach of a
   * volume not attached to that droplet is 422 "Attachment not found" (the API's answer quoted in
   * digitalocean/godo PR #136 and doctl issue #207).
   */
  r.post("/volumes/:id/actions", (q) => {
    const v = getVolume(q.params.id);
    const type = String(q.body.type);
    if (q.body.region !== undefined && q.body.region !== v.region.slug) unprocessable("The volume is not in the given region.");
    if (type === "attach" || type === "detach") {
      const dropletId = Number(q.body.droplet_id);
      const dr = kit.droplets[dropletId] ?? notFound();
      if (type === "attach") {
        if (dr.region.slug !== v.region.slug) unprocessable("Droplet and volume must be in the same region.");
        if (v.droplet_ids.length > 0 && !v.droplet_ids.includes(dropletId)) unprocessable("Volume is already attached to another Droplet.");
        const attached = Object.values(volumes).filter((x) => x.droplet_ids.includes(dropletId)).length;
        if (!v.droplet_ids.includes(dropletId) && attached >= DO_VOLUMES_PER_DROPLET) unprocessable(`A Droplet can have at most ${DO_VOLUMES_PER_DROPLET} volumes attached.`);
        refuseIfPending(kit, dropletId);
        v.droplet_ids = [dropletId];
      } else {
        if (!v.droplet_ids.includes(dropletId)) unprocessable("Attachment not found");
        refuseIfPending(kit, dropletId);
        v.droplet_ids = [];
      }
      syncDroplet(kit, dropletId);
      store.changed();
      return ok({ action: actionView(volumeAction(`${type}_volume`, v, undefined, dropletId)) }, 202);
    }
    if (type === "resize") {
      const problem = doVolumeRules.size(q.body.size_gigabytes, v.size_gigabytes);
      if (problem) unprocessable(problem);
      const size = q.body.size_gigabytes as number;
      return ok({ action: actionView(volumeAction("resize_volume", v, () => void (v.size_gigabytes = size))) }, 202);
    }
    return badRequest(`unknown volume action type '${type}'`);
  });
  r.get("/volumes/:id/actions/:action_id", (q) => {
    getVolume(q.params.id);
    return ok({ action: actionView(kit.actions[q.params.action_id!] ?? notFound()) });
  });

  /** `POST /v2/volumes/{volume_id}/snapshots`: `name` required; the snapshot lives on after the volume. */
  r.post("/volumes/:id/snapshots", (q) => {
    const v = getVolume(q.params.id);
    if (typeof q.body.name !== "string" || q.body.name === "") badRequest("name is required");
    const tags = Array.isArray(q.body.tags) ? (q.body.tags as unknown[]).map(String) : [];
    for (const t of tags) ensureTag(kit, t, true); // "existing or new tags"
    const id = uuidFrom(`snapshot-${store.nextId()}`);
    const s: SnapshotRecord = { id, name: String(q.body.name), regions: [v.region.slug], created_at: isoNow(), resource_id: v.id, resource_type: "volume", min_disk_size: v.size_gigabytes, size_gigabytes: 0, tags };
    snapshots[id] = s;
    store.changed();
    return ok({ snapshot: { ...s } }, 201);
  });
  r.get("/volumes/:id/snapshots", (q) => {
    const v = getVolume(q.params.id);
    return list(q, "snapshots", Object.values(snapshots).filter((s) => s.resource_id === v.id).map((s) => ({ ...s })), `volumes/${v.id}/snapshots`);
  });
  r.get("/volumes/snapshots/:id", (q) => ok({ snapshot: { ...getSnapshot(q.params.id) } }));
  r.get("/snapshots", (q) => {
    const type = q.query.get("resource_type");
    return list(q, "snapshots", Object.values(snapshots).filter((s) => !type || s.resource_type === type).map((s) => ({ ...s })));
  });
  r.get("/snapshots/:id", (q) => ok({ snapshot: { ...getSnapshot(q.params.id) } }));
  const deleteSnapshot = (id: string | undefined) => {
    const s = getSnapshot(id);
    delete snapshots[s.id];
    store.changed();
    return { status: 204 };
  };
  r.delete("/volumes/snapshots/:id", (q) => deleteSnapshot(q.params.id));
  r.delete("/snapshots/:id", (q) => deleteSnapshot(q.params.id));
}

import { isoNow } from "../router.js";
import { locationFrom, locationView } from "./catalog.js";
import type { HcloudKit, Obj, ServerRecord } from "./context.js";
import { fail, invalidInput, notFound } from "./errors.js";
import { labelsOf } from "./labels.js";

/**
 * Volumes: ../shared/specs/hcloud-openapi.json `POST /volumes`, `DELETE /volumes/{id}`, the
 * volume actions and the `volume` schema; hcloud-go v2.47.0 `hcloud/schema/volume.go` (the
 * create response `{volume, action, next_actions}`), `hcloud/error.go` (`volume_already_attached`,
 * `no_space_left_in_location`); terraform-provider-hcloud v1.68.0 `internal/volume/resource.go`
 * and `resource_attachment.go` (the calls the provider makes).
 */
export interface VolumeRecord extends Obj {
  id: number;
  name: string;
  server: number | null;
  status: "creating" | "available";
  location: Obj & { name: string };
  size: number;
  format: string | null;
  protection: { delete: boolean };
  labels: Record<string, string>;
  linux_device: string;
  created: string;
}

/** "The minimum Volume size is 10GB and the maximum size is 10TB (10240GB)" (`POST /volumes`). */
export const VOLUME_SIZE = { min: 10, max: 10240 } as const;
/** "alphanumeric characters, dashes, underscores, and dots, ... start and end with an alphanumeric character ... limited to 64 characters". */
export const VOLUME_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,62}[a-zA-Z0-9])?$/;
/** `create_volume_request.format`: "One of: `xfs`, `ext4`". */
export const VOLUME_FORMATS = ["xfs", "ext4"] as const;

/** The checks of the volume endpoints as pure functions: the reason a request is refused, or undefined. */
export const volumeRules = {
  size(size: unknown, current?: number): string | undefined {
    if (typeof size !== "number" || !Number.isInteger(size)) return "must be an integer number of GB";
    if (size < VOLUME_SIZE.min || size > VOLUME_SIZE.max) return `must be between ${VOLUME_SIZE.min} and ${VOLUME_SIZE.max} GB`;
    // `resize_volume_request.size`: "must be greater than current size"; "downsizing a Volume is not possible".
    if (current !== undefined && size <= current) return `must be greater than the current size (${current} GB)`;
    return undefined;
  },
  /** `DELETE /volumes/{id}`: "must not be attached to a Server and it must not have delete protection enabled". */
  deleteProblem(v: VolumeRecord): [number, string, string] | undefined {
    if (v.protection.delete) return [403, "protected", "volume is delete protected"];
    if (v.server !== null) return [422, "volume_already_attached", `volume ${v.id} is attached to server ${v.server}; detach it first`];
    return undefined;
  },
  /** `attach`: "Works only if the Server is in the same Location as the Volume"; an attached volume must be detached first. */
  attachProblem(v: VolumeRecord, server: ServerRecord): [number, string, string] | undefined {
    if (v.server !== null) return [422, "volume_already_attached", `volume ${v.id} is already attached to server ${v.server}; detach it first`];
    if (server.location.name !== v.location.name) return [422, "invalid_input", `volume ${v.id} is in ${v.location.name}, server ${server.id} in ${server.location.name}`];
    return undefined;
  },
};

export const volumesOf = (kit: HcloudKit): Record<string, VolumeRecord> => ((kit.store.data.hcloud as { volumes?: Record<string, VolumeRecord> }).volumes ??= {});

/** A server's `volumes` (ids of the volumes attached to it). */
const syncServerVolumes = (kit: HcloudKit, serverId: number | null): void => {
  const server = serverId === null ? undefined : kit.servers[serverId];
  if (server) server.volumes = Object.values(volumesOf(kit)).filter((v) => v.server === server.id).map((v) => v.id);
};

/** `DELETE /servers/{id}` detaches the server's volumes ("Any resources attached to the server (like Volumes ...) are detached"). */
export function detachVolumesOf(kit: HcloudKit, serverId: number): void {
  for (const v of Object.values(volumesOf(kit))) if (v.server === serverId) v.server = null;
}

export function registerVolumes(kit: HcloudKit): void {
  const { r, ok, list, store } = kit;
  const volumes = volumesOf(kit);
  const getVolume = (id: string | undefined): VolumeRecord => volumes[id!] ?? notFound("volume", id);
  const refuse = (problem: [number, string, string] | undefined): void => {
    if (problem) fail(...problem);
  };
  const view = (v: VolumeRecord): Obj => ({ ...v });

  r.get("/volumes", (q) => {
    const status = q.query.getAll("status");
    return list(q, "volumes", Object.values(volumes).map(view), (v) => status.length === 0 || status.includes(String(v.status)));
  });
  r.get("/volumes/:id", (q) => ok({ volume: view(getVolume(q.params.id)) }));

  /**
   * `POST /volumes`: `name` and `size` required; `location` or `server` ("can be omitted if
   * Server is specified"; the volume lands in the server's location); `automount` only with a
   * server; a `create_volume` action, then one `attach_volume` next action when a server is
   * given, which locks the server while it runs.
   */
  r.post("/volumes", (q) => {
    const name = kit.requireString(q.body, "name");
    if (!VOLUME_NAME.test(name)) invalidInput("name", "must consist of alphanumeric characters, dashes, underscores and dots, start and end alphanumeric, at most 64 characters");
    kit.uniqueName(volumes, name, "volume");
    if (q.body.size === undefined) invalidInput("size", "Missing data for required field.");
    const sizeProblem = volumeRules.size(q.body.size);
    if (sizeProblem) invalidInput("size", sizeProblem);
    const format = q.body.format === undefined ? null : String(q.body.format);
    if (format !== null && !(VOLUME_FORMATS as readonly string[]).includes(format)) invalidInput("format", "must be one of xfs, ext4");
    const server = q.body.server === undefined || q.body.server === null ? undefined : (kit.servers[String(q.body.server)] ?? invalidInput("server", `server ${String(q.body.server)} not found`));
    if (q.body.automount === true && !server) invalidInput("automount", "server must be provided");
    if (!server && q.body.location === undefined) invalidInput("location", "location or server must be provided");
    const loc = server ? server.location : locationView(locationFrom(q.body.location));
    if (server && q.body.location !== undefined && locationFrom(q.body.location).name !== server.location.name) invalidInput("location", "the server is in another location");
    if (server) kit.assertUnlocked("server", server.id);
    const id = store.nextId();
    const volume: VolumeRecord = {
      id,
      name,
      server: null,
      status: "creating",
      location: loc as VolumeRecord["location"],
      size: q.body.size as number,
      format,
      protection: { delete: false },
      labels: labelsOf(q.body),
      linux_device: `/dev/disk/by-id/scsi-0HC_Volume_${id}`,
      created: isoNow(),
    };
    volumes[id] = volume;
    store.changed();
    const self = [{ id, type: "volume" }];
    const action = kit.newAction("create_volume", self, () => {
      if (volumes[id]) volume.status = "available";
    }, self);
    const next = [];
    if (server) {
      volume.server = server.id;
      syncServerVolumes(kit, server.id);
      const both = [...self, { id: server.id, type: "server" }];
      next.push(kit.newAction("attach_volume", both, undefined, both));
    }
    return ok({ volume: view(volume), action, next_actions: next }, 201);
  });

  r.put("/volumes/:id", (q) => {
    const v = getVolume(q.params.id);
    if (typeof q.body.name === "string" && !VOLUME_NAME.test(q.body.name)) invalidInput("name", "invalid volume name");
    kit.renameAndLabel(volumes, v, q.body, "volume");
    store.changed();
    return ok({ volume: view(v) });
  });

  r.delete("/volumes/:id", (q) => {
    const v = getVolume(q.params.id);
    kit.assertUnlocked("volume", v.id);
    refuse(volumeRules.deleteProblem(v));
    delete volumes[v.id];
    store.changed();
    return { status: 204 };
  });

  r.post("/volumes/:id/actions/attach", (q) => {
    const v = getVolume(q.params.id);
    const server = kit.servers[String(q.body.server)] ?? notFound("server", q.body.server);
    kit.assertUnlocked("volume", v.id);
    kit.assertUnlocked("server", server.id);
    refuse(volumeRules.attachProblem(v, server));
    v.server = server.id;
    syncServerVolumes(kit, server.id);
    store.changed();
    const both = [{ id: v.id, type: "volume" }, { id: server.id, type: "server" }];
    return ok({ action: kit.newAction("attach_volume", both, undefined, both) }, 201);
  });

  /** `detach`: from the server it is attached to; the action names both. */
  r.post("/volumes/:id/actions/detach", (q) => {
    const v = getVolume(q.params.id);
    kit.assertUnlocked("volume", v.id);
    const serverId = v.server;
    if (serverId !== null) kit.assertUnlocked("server", serverId);
    v.server = null;
    syncServerVolumes(kit, serverId);
    store.changed();
    const refs = [{ id: v.id, type: "volume" }, ...(serverId !== null ? [{ id: serverId, type: "server" }] : [])];
    return ok({ action: kit.newAction("detach_volume", refs, undefined, refs) }, 201);
  });

  r.post("/volumes/:id/actions/resize", (q) => {
    const v = getVolume(q.params.id);
    kit.assertUnlocked("volume", v.id);
    const problem = volumeRules.size(q.body.size, v.size);
    if (problem) invalidInput("size", problem);
    const size = q.body.size as number;
    store.changed();
    const self = [{ id: v.id, type: "volume" }];
    return ok({ action: kit.newAction("resize_volume", self, () => void (v.size = size), self) }, 201);
  });

  r.post("/volumes/:id/actions/change_protection", (q) => {
    const v = getVolume(q.params.id);
    if (typeof q.body.delete === "boolean") v.protection = { delete: q.body.delete };
    store.changed();
    return ok({ action: kit.newAction("change_protection", [{ id: v.id, type: "volume" }]) }, 201);
  });
}

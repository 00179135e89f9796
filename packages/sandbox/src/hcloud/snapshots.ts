import { isoNow } from "../router.js";
import { IMAGES } from "./catalog.js";
import type { HcloudKit, Obj } from "./context.js";
import { fail, invalidInput, notFound } from "./errors.js";
import { labelsOf } from "./labels.js";

/**
 * Server snapshots and backups as images: ../shared/specs/hcloud-openapi.json
 * `POST /servers/{id}/actions/create_image` (type `snapshot`, the default, "completely
 * independent of the Server it was created from and will survive Server deletion"; type `backup`
 * "bound to the Server and therefore will be deleted when the Server is deleted", "only
 * available when the backup option is enabled for the Server"), `DELETE /images/{id}` ("Only
 * Images of type `snapshot` and `backup` can be deleted"), the `image` schema (`name` "only set
 * for system Images", `created_from`, `bound_to`, `image_size`). terraform-provider-hcloud
 * v1.68.0 `internal/snapshot/resource.go` creates with `Server.CreateImage`, waits for the
 * action, reads with `Image.GetByID`, updates `description`/`labels` with `Image.Update`.
 */
export interface ImageRecord extends Obj {
  id: number;
  type: "snapshot" | "backup";
  status: "creating" | "available";
  name: null;
  description: string;
  image_size: number | null;
  disk_size: number;
  created: string;
  created_from: { id: number; name: string };
  bound_to: number | null;
  os_flavor: string;
  os_version: string | null;
  rapid_deploy: boolean;
  protection: { delete: boolean };
  deprecated: null;
  deleted: null;
  labels: Record<string, string>;
  architecture: string;
}

export const imagesOf = (kit: HcloudKit): Record<string, ImageRecord> => ((kit.store.data.hcloud as { images?: Record<string, ImageRecord> }).images ??= {});

/** `DELETE /servers/{id}`: the server's backup images go with it; snapshots stay. */
export function deleteBackupsOf(kit: HcloudKit, serverId: number): void {
  const images = imagesOf(kit);
  for (const img of Object.values(images)) if (img.type === "backup" && img.bound_to === serverId) delete images[img.id];
}

export function registerSnapshots(kit: HcloudKit): void {
  const { r, ok, store } = kit;
  const images = imagesOf(kit);
  const getImage = (id: string | undefined): ImageRecord => images[id!] ?? notFound("image", id);

  r.post("/servers/:id/actions/create_image", (q) => {
    const server = kit.servers[q.params.id!] ?? notFound("server", q.params.id);
    kit.assertUnlocked("server", server.id);
    const type = q.body.type === undefined ? "snapshot" : String(q.body.type);
    if (type !== "snapshot" && type !== "backup") invalidInput("type", "must be one of backup, snapshot");
    if (type === "backup" && server.backup_window === null) fail(422, "invalid_input", "backups are not enabled for this server");
    const image = server.image as Obj | null;
    const id = store.nextId();
    const record: ImageRecord = {
      id,
      type: type as ImageRecord["type"],
      status: "creating",
      name: null,
      // "Description of the Image, will be auto-generated if not set" (the sandbox's wording).
      description: typeof q.body.description === "string" ? q.body.description : `${server.name}-${isoNow()}`,
      image_size: null,
      disk_size: server.server_type.disk,
      created: isoNow(),
      created_from: { id: server.id, name: server.name },
      bound_to: type === "backup" ? server.id : null,
      os_flavor: String(image?.os_flavor ?? "unknown"),
      os_version: image?.os_version === undefined ? null : (image.os_version as string | null),
      rapid_deploy: false,
      protection: { delete: false },
      deprecated: null,
      deleted: null,
      labels: labelsOf(q.body),
      architecture: server.server_type.architecture,
    };
    images[id] = record;
    store.changed();
    const refs = [{ id: server.id, type: "server" }, { id, type: "image" }];
    const action = kit.newAction("create_image", refs, () => {
      if (!images[id]) return;
      record.status = "available";
      record.image_size = Math.round(server.server_type.disk * 0.05 * 100) / 100;
    }, [{ id: server.id, type: "server" }]);
    return ok({ image: { ...record }, action }, 201);
  });

  r.put("/images/:id", (q) => {
    const img = getImage(q.params.id);
    if (typeof q.body.description === "string") img.description = q.body.description;
    if (q.body.type !== undefined) {
      // `update_image_request.type`: "Destination Image type to convert to" (backup -> snapshot only).
      if (q.body.type !== "snapshot") invalidInput("type", "can only convert to snapshot");
      img.type = "snapshot";
      img.bound_to = null;
    }
    if (q.body.labels !== undefined) img.labels = labelsOf(q.body);
    store.changed();
    return ok({ image: { ...img } });
  });

  r.delete("/images/:id", (q) => {
    const img = images[q.params.id!];
    // System images exist but cannot be deleted ("Only Images of type snapshot and backup can be deleted").
    if (!img) return IMAGES.some((i) => String(i.id) === q.params.id) ? fail(422, "invalid_input", "only images of type snapshot and backup can be deleted") : notFound("image", q.params.id);
    if (img.protection.delete) fail(403, "protected", "image is delete protected");
    delete images[img.id];
    store.changed();
    return { status: 204 };
  });

  r.post("/images/:id/actions/change_protection", (q) => {
    const img = getImage(q.params.id);
    if (typeof q.body.delete === "boolean") img.protection = { delete: q.body.delete };
    store.changed();
    return ok({ action: kit.newAction("change_protection", [{ id: img.id, type: "image" }]) }, 201);
  });
}

// An hcloud VM with a Volume mounted at /srv/data, and a Snapshot of the server. Config (project
// namespace): `image` (default debian-12; a new one replaces the server), `sizeGb` (default 10), `volumeLocation`
// (default fsn1), `deleteProtection` and `allowReplacement` for the volume (default: unset).
import * as pulumi from "@pulumi/pulumi";
import { Snapshot, VmFromTemplate, Volume } from "@hearth/hcloud";
import { sshKey } from "./fixtures.js";

const config = new pulumi.Config();
const deleteProtection = config.getBoolean("deleteProtection");
const allowReplacement = config.getBoolean("allowReplacement");
const data = new Volume("data", {
  location: (config.get("volumeLocation") ?? "fsn1") as "fsn1",
  sizeGb: config.getNumber("sizeGb") ?? 10,
  labels: { app: "db" },
  ...(deleteProtection === undefined ? {} : { deleteProtection }),
  ...(allowReplacement === undefined ? {} : { allowReplacement }),
});
const vm = new VmFromTemplate("db-1", {
  location: "fsn1",
  image: config.get("image") ?? "debian-12",
  cloudInit: { user: "ops", sshKeys: [sshKey] },
  volumes: [{ volumeId: data.volumeId, mountPath: "/srv/data" }],
});
// Taken after the attachment (attaching locks the server; the provider's snapshot create does not retry `locked`).
const snap = new Snapshot("db-1-first-boot", { instanceId: vm.instanceId, deleteProtection: false });

export const volumeId = data.volumeId;
export const linuxDevice = data.linuxDevice;
export const instanceId = vm.instanceId;
export const snapshotId = snap.snapshotId;

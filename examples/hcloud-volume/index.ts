// A database server whose data lives on a Volume: replacing the server (a new image, a new type)
// keeps the volume, its id and its data, and moves it to the new server.
//   pulumi config set --secret hcloud:token <64-character token>
//   pulumi config set sshPublicKey "ssh-ed25519 AAAA... you@host"
import * as pulumi from "@pulumi/pulumi";
import { Snapshot, VmFromTemplate, Volume } from "@hearth/hcloud";

const cfg = new pulumi.Config();

// Protected by Hetzner and by Pulumi (deleteProtection defaults to true); moving it to another
// location or file system fails the preview unless allowReplacement: true says the data may go.
const pgdata = new Volume("pgdata", { location: "fsn1", sizeGb: 50, filesystem: "xfs", labels: { app: "postgres" } });

const db = new VmFromTemplate("db-1", {
  location: "fsn1",
  image: "debian-12",
  size: "medium",
  cloudInit: { user: "ops", sshKeys: [cfg.require("sshPublicKey")], packages: ["postgresql"] },
  // Attached by its own child, detached before the server goes; mounted on first boot (nofail).
  volumes: [{ volumeId: pgdata.volumeId, mountPath: "/var/lib/postgresql" }],
});

// A snapshot of the server's disk (Hetzner has no volume snapshots). `instanceId` resolves once
// the volume is attached, so the snapshot waits for the attachment.
const baseline = new Snapshot("db-1-baseline", { instanceId: db.instanceId });

export const volumeId = pgdata.volumeId;
export const ipv4 = db.ipv4Address;
export const snapshotId = baseline.snapshotId;

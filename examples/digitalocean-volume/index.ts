// A droplet whose data lives on a Volume that outlives it, and a snapshot of that volume.
//   pulumi config set --secret digitalocean:token <token>
//   pulumi config set sshPublicKey "ssh-ed25519 AAAA... you@host"
import * as pulumi from "@pulumi/pulumi";
import { VmFromTemplate, Volume, VolumeSnapshot } from "@hearth/digitalocean";

const cfg = new pulumi.Config();

// Protected by Pulumi (DigitalOcean has no delete protection for volumes); a new region, name or
// file system fails the preview unless allowReplacement: true.
const data = new Volume("app-data", { region: "ams3", sizeGb: 20, labels: { app: "files" } });

const app = new VmFromTemplate("app-1", {
  region: "ams3",
  size: "small",
  cloudInit: { user: "ops", sshKeys: [cfg.require("sshPublicKey")] },
  // Mounted on first boot as /dev/disk/by-id/scsi-0DO_Volume_app-data (nofail).
  volumes: [{ volumeId: data.volumeId, mountPath: "/srv/data" }],
});

const nightly = new VolumeSnapshot("app-data-first", { volumeId: data.volumeId });

export const volumeId = data.volumeId;
export const ipv4 = app.ipv4Address;
export const snapshotId = nightly.snapshotId;

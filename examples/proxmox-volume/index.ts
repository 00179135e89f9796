import * as pulumi from "@pulumi/pulumi";
import { Container, Volume, VmFromTemplate } from "@hearth/proxmox";

const cfg = new pulumi.Config();
const node = cfg.get("node") ?? "pve1";
const sshKey = cfg.get("sshPublicKey") ?? "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyReplaceWithYourOwnPublicKey ops@example";

// Each Volume is the disk of a stopped "data VM" (ids 900 and 901) that owns it: replacing or
// destroying the VM or container below leaves it. Protected from `pulumi destroy` (and from
// `qm destroy`) until `deleteProtection: false`; a new node, storage or id fails the preview.
const pgData = new Volume("pg-data", { node, sizeGb: 20, vmId: 900, labels: { app: "postgres" } });
const files = new Volume("files", { node, sizeGb: 50, vmId: 901 });

// Attached as scsi1. Mount it from a user-data snippet (docs/proxmox.md, "Volumes"); Proxmox's
// cloud-init API cannot write mounts.
new VmFromTemplate("db", {
  node,
  template: { vmId: 9000, diskSizeGb: 10 },
  vmId: 3101,
  size: "medium",
  cloudInit: { user: "ops", sshKeys: [sshKey] },
  volumes: [{ volumeId: pgData.volumeId }],
});

// Mounted at /srv/files; the volume needs a file system first (format it once, see the docs).
new Container("fileserver", {
  node,
  template: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
  vmId: 3102,
  mountPoints: [{ path: "/srv/files", volumeId: files.volumeId }],
  sshKeys: [sshKey],
});

export const volumes = { pgData: pgData.volumeId, files: files.volumeId };

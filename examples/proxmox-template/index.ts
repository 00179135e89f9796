import * as pulumi from "@pulumi/pulumi";
import { CloudImageTemplate } from "@hearth/proxmox";

const cfg = new pulumi.Config();

// Downloads the image to the node's "local" storage (content type import) and imports it as
// the template's 16 GB boot disk on local-lvm.
const debian = new CloudImageTemplate("debian-12", {
  node: cfg.get("node") ?? "pve1",
  imageUrl: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2",
  vmId: 9000,
  diskSizeGb: 16,
});

// A VM clones it with `template: debian.ref` (or `{ vmId: debian.vmId, node: debian.node, diskSizeGb: debian.diskSizeGb }`).
export const templateVmId = debian.vmId;
export const imageFileId = debian.imageFileId;

// A home Volume mounted into a Container from a downloaded template. Config: `ctVmId` (a new id
// replaces the container), `deleteProtection` (the volume's; default true).
import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import * as pve from "@hearth/proxmox";
import { sshKey } from "./fixtures.js";

const config = new pulumi.Config();
const template = new proxmox.download.File("debian-12-ct", {
  nodeName: "pve1",
  datastoreId: "local",
  contentType: "vztmpl",
  url: config.require("templateUrl"),
  fileName: "debian-12-standard_12.7-1_amd64.tar.zst",
});
const files = new pve.Volume("files", { node: "pve1", sizeGb: 3, vmId: 901, deleteProtection: config.getBoolean("deleteProtection") ?? true });
const ct = new pve.Container("fileserver", {
  node: "pve1",
  template: template.id,
  vmId: config.requireNumber("ctVmId"),
  rootDiskGb: 4,
  mountPoints: [{ path: "/srv/files", volumeId: files.volumeId }],
  sshKeys: [sshKey],
});

export const volumeId = files.volumeId;
export const ctVmId = ct.vmId;

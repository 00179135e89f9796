// Images downloaded to a node's storage and what is launched from them: an ISO, a container
// template with a container made from it, an OCI image, and a cloud image a template imports.
// Config `templateUrl` switches the container template to a new version.
import * as pulumi from "@pulumi/pulumi";
import * as pve from "@hearth/proxmox";

const config = new pulumi.Config();
const templateUrl = config.require("templateUrl");

const iso = new pve.Image("debian-iso", {
  node: "pve1",
  content: "iso",
  url: config.require("isoUrl"),
  checksum: config.require("isoChecksum"),
  checksumAlgorithm: "sha256",
});
const installer = new pve.VmFromIso("installer", { node: "pve1", iso: iso.volumeId, vmId: 340, diskSizeGb: 16 });
const template = new pve.Image("debian-ct", { node: "pve1", content: "vztmpl", url: templateUrl });
const ct = new pve.Container("app", { node: "pve1", template: template.volumeId, vmId: 330, memoryMb: 512, cores: 1 });
// This one opts in: a new template makes a new container.
new pve.Container("app-follow", { node: "pve1", template: template.volumeId, vmId: 331, memoryMb: 512, cores: 1, replaceOnImageChange: true });
const alpine = new pve.OciImage("alpine", { node: "pve1", reference: "docker.io/library/alpine:3.22" });
// A fixed file name: a new URL replaces the file under the same name (the old file goes first).
const cloud = new pve.Image("debian-cloud", { node: "pve1", content: "import", url: config.require("cloudUrl"), fileName: "debian-13-generic-amd64.qcow2" });
const tpl = new pve.CloudImageTemplate("debian-13", { node: "pve1", image: cloud.volumeId, vmId: 9130 });

export const installerId = installer.vmId;
export const isoVolume = iso.volumeId;
export const isoSize = iso.sizeBytes;
export const templateVolume = template.volumeId;
export const containerId = ct.vmId;
export const ociVolume = alpine.volumeId;
export const templateImage = tpl.imageFileId;

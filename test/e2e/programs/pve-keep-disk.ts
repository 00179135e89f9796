// Two VMs that set no disks: each keeps its template's boot disk, one from a template given by
// id and size, one from a CloudImageTemplate.
import * as pve from "@hearth/proxmox";
import { debianImageUrl, sshKey } from "./fixtures.js";

const debian = new pve.CloudImageTemplate("debian-12", { node: "pve1", imageUrl: debianImageUrl, vmId: 9100 });
new pve.VmFromTemplate("by-id", { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, vmId: 301, cloudInit: { user: "ops", sshKeys: [sshKey] } });
new pve.VmFromTemplate("by-component", { node: "pve1", template: debian.ref, vmId: 302, cloudInit: { user: "ops", sshKeys: [sshKey] } });

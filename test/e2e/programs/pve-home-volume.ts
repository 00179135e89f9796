// A home Volume attached to a VM cloned from template 9000. Config: `appVmId` (a new id replaces
// the VM), `deleteProtection` (the volume's; default true), `sizeGb` (default 2).
import * as pulumi from "@pulumi/pulumi";
import * as pve from "@hearth/proxmox";
import { sshKey } from "./fixtures.js";

const config = new pulumi.Config();
const data = new pve.Volume("data", { node: "pve1", sizeGb: config.getNumber("sizeGb") ?? 2, vmId: 900, deleteProtection: config.getBoolean("deleteProtection") ?? true, labels: { app: "db" } });
const app = new pve.VmFromTemplate("app", {
  node: "pve1",
  template: { vmId: 9000, diskSizeGb: 2 },
  vmId: config.requireNumber("appVmId"),
  cloudInit: { user: "ops", sshKeys: [sshKey] },
  agentTimeout: "20s",
  volumes: [{ volumeId: data.volumeId }],
});

export const volumeId = data.volumeId;
export const volumeSizeGb = data.sizeGb;
export const appVmId = app.vmId;

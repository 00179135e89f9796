// `count` VmFromTemplate clones of template 9000 (its disk `templateDiskGb`), named vm-1..vm-N
// with ids from `firstVmId`, each grown to `diskSizeGb`.
import * as pulumi from "@pulumi/pulumi";
import * as pve from "@hearth/proxmox";
import { sshKey } from "./fixtures.js";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const firstVmId = config.requireNumber("firstVmId");
const vms = Array.from(
  { length: count },
  (_, i) =>
    new pve.VmFromTemplate(`vm-${i + 1}`, {
      node: "pve1",
      template: { vmId: 9000, diskSizeGb: config.requireNumber("templateDiskGb") },
      vmId: firstVmId + i,
      disks: [{ sizeGb: config.requireNumber("diskSizeGb") }],
      cloudInit: { user: "ops", sshKeys: [sshKey] },
    }),
);

export const ids = vms.map((vm) => vm.vmId);

// `count` VmFromTemplate clones of template 9000 (its disk `templateDiskGb`), named
// `<prefix>-1`..`<prefix>-N` (prefix "vm" by default). Optional: `firstVmId` (ids from it, one
// per VM), `vmIdRange` (the stack's range instead), `diskSizeGb` (grow the boot disk to it; by
// default the template's disk is kept), `clonesPerStorage`.
import * as pulumi from "@pulumi/pulumi";
import * as pve from "@hearth/proxmox";
import { sshKey } from "./fixtures.js";

const config = new pulumi.Config();
const count = config.requireNumber("count");
const prefix = config.get("prefix") ?? "vm";
const firstVmId = config.getNumber("firstVmId");
const diskSizeGb = config.getNumber("diskSizeGb");
const vms = Array.from(
  { length: count },
  (_, i) =>
    new pve.VmFromTemplate(`${prefix}-${i + 1}`, {
      node: "pve1",
      template: { vmId: 9000, diskSizeGb: config.requireNumber("templateDiskGb") },
      vmId: firstVmId === undefined ? undefined : firstVmId + i,
      vmIdRange: config.getObject<pve.VmFromTemplateArgs["vmIdRange"]>("vmIdRange"),
      disks: diskSizeGb === undefined ? undefined : [{ sizeGb: diskSizeGb }],
      clonesPerStorage: config.getObject<pve.VmFromTemplateArgs["clonesPerStorage"]>("clonesPerStorage"),
      cloudInit: { user: "ops", sshKeys: [sshKey] },
    }),
);

export const ids = vms.map((vm) => vm.vmId);

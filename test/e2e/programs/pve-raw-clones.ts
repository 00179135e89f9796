// `count` raw VmLegacy clones of template 9000 keeping its 2 GB disk, named `<prefix>-1`..`<prefix>-N`,
// without dependsOn: what a user writes by hand to clone many VMs at once.
import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import { sshKey } from "./fixtures.js";

const config = new pulumi.Config();
const prefix = config.require("prefix");
const provider = new proxmox.Provider("pve", { endpoint: process.env.PROXMOX_VE_ENDPOINT, apiToken: process.env.PROXMOX_VE_API_TOKEN, insecure: true });
const vms = Array.from(
  { length: config.requireNumber("count") },
  (_, i) =>
    new proxmox.VmLegacy(
      `${prefix}-${i + 1}`,
      {
        nodeName: "pve1",
        name: `${prefix}-${i + 1}`,
        clone: { vmId: 9000, full: true, datastoreId: "local-lvm" },
        disks: [{ interface: "scsi0", datastoreId: "local-lvm", size: 2 }],
        agent: { enabled: true, timeout: "1m" },
        initialization: { datastoreId: "local-lvm", userAccount: { username: "ops", keys: [sshKey] }, ipConfigs: [{ ipv4: { address: "dhcp" } }] },
      },
      { provider, ignoreChanges: ["disks[0].speed"] },
    ),
);

export const ids = vms.map((vm) => vm.vmId);

// Raw @muhlba91/pulumi-proxmoxve VMs cloned from template 9000, no Hearth: what a user writes by
// hand. Config: `vms`, a list of `{ name, vmId? }` (without vmId the provider picks the next free id).
import * as pulumi from "@pulumi/pulumi";
import * as proxmox from "@muhlba91/pulumi-proxmoxve";
import { sshKey } from "./fixtures.js";

const config = new pulumi.Config();
const provider = new proxmox.Provider("pve", { endpoint: process.env.PROXMOX_VE_ENDPOINT, apiToken: process.env.PROXMOX_VE_API_TOKEN, insecure: true });
const vms = config.requireObject<{ name: string; vmId?: number }[]>("vms").map(
  ({ name, vmId }) =>
    new proxmox.VmLegacy(
      name,
      {
        nodeName: "pve1",
        name,
        vmId,
        clone: { vmId: 9000, full: true },
        cpu: { cores: 2 },
        memory: { dedicated: 2048 },
        agent: { enabled: true, timeout: "1m" },
        networkDevices: [{ bridge: "vmbr0" }],
        initialization: { userAccount: { username: "ops", keys: [sshKey] }, ipConfigs: [{ ipv4: { address: "dhcp" } }] },
        stopOnDestroy: true,
      },
      { provider },
    ),
);

export const vmIds = vms.map((vm) => vm.vmId);
export const ipv4 = vms.map((vm) => vm.ipv4Addresses);

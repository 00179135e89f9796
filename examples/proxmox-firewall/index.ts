import { rule } from "@hearth/core";
import { FirewallGroup, VmFromTemplate } from "@hearth/proxmox";

// A cluster security group: web open to all, SSH from the LAN only, everything else dropped
// by the VM's input policy once the group is attached.
const web = new FirewallGroup("web", {
  rules: [
    rule.allowIn({ protocol: "tcp", ports: [80, 443] }),
    rule.allowIn({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24"] }),
    rule.allowIn({ protocol: "icmp" }),
  ],
});

const vm = new VmFromTemplate("web-1", {
  node: "pve1",
  template: { vmId: 9000, diskSizeGb: 10 }, // the template's disk size: the clone keeps its disk
  firewallGroups: [web.groupId], // VM rules referencing the group + the VM firewall enabled
});

export const groupId = web.groupId;
export const vmId = vm.vmId;

// The home components together: a cloud-image template, an SDN network, a firewall group, and
// two VMs on them, each backed up nightly by its own job.
import { rule } from "@hearth/core";
import * as pve from "@hearth/proxmox";
import { debianImageUrl, sshKey } from "./fixtures.js";

const debian = new pve.CloudImageTemplate("debian-12", { node: "pve1", imageUrl: debianImageUrl, vmId: 9000 });
const lab = new pve.Network("lab", { sdn: { zone: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1", snat: true } });
const web = new pve.FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [80, 443] })] });
const vms = ["web-1", "web-2"].map(
  (name) =>
    new pve.VmFromTemplate(name, {
      node: "pve1",
      template: debian.ref,
      size: "medium",
      disks: [{ sizeGb: 20 }],
      networks: [{ networkId: lab.networkId }],
      firewallGroups: [web.groupId],
      cloudInit: { user: "ops", sshKeys: [sshKey] },
      backups: { schedule: "*-*-* 02:00", storage: "local", retention: { keepDaily: 7, keepWeekly: 4 } },
    }),
);

export const addresses = vms.map((vm) => vm.ipv4Address);

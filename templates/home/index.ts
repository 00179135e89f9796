// ${DESCRIPTION}
// Proxmox credentials come from the provider's stack config or environment
// (PROXMOX_VE_ENDPOINT, PROXMOX_VE_API_TOKEN), never from this file.
import * as pulumi from "@pulumi/pulumi";
import * as pve from "@hearth/proxmox";
import { rule } from "@hearth/core";

const cfg = new pulumi.Config();
const node = cfg.get("node") ?? "pve1";

const debian = new pve.CloudImageTemplate("debian-12", {
  node,
  imageUrl: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2",
  vmId: 9000,
});

const web = new pve.FirewallGroup("web", {
  rules: [
    rule.allowIn({ protocol: "tcp", ports: [80, 443] }),
    rule.allowIn({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24"] }),
  ],
});

const vms = ["web-1", "web-2", "web-3"].map((name) =>
  new pve.VmFromTemplate(name, {
    node,
    template: debian.ref,
    size: "medium",
    disks: [{ sizeGb: 20 }],
    networks: [{ networkId: "vmbr0" }], // DHCP; give ipv4Address ("192.168.1.51/24") for a fixed one
    firewallGroups: [web.groupId],
    cloudInit: { user: "ops", sshKeys: [cfg.require("sshPublicKey")] },
    // Each VM gets its own nightly vzdump job.
    backups: { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 } },
  }));

export const addresses = vms.map((vm) => vm.ipv4Address);

/** The component side of the overhead benchmark (see programs.ts). */
import { rule } from "@hearth/core";
import { BackupJob, FirewallGroup, VmFromTemplate } from "@hearth/proxmox";
import { sshKey, template, vmName } from "./programs.js";

export function componentProgram(n: number): void {
  const group = new FirewallGroup("web", {
    // SSH only from the admin network: FirewallGroup refuses admin ports open to the world.
    rules: [
      rule.allowIn({ protocol: "tcp", ports: [443] }),
      rule.allowIn({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24"] }),
      rule.allowIn({ protocol: "icmp" }),
    ],
  });
  for (let i = 0; i < n; i++) {
    new VmFromTemplate(vmName(i), {
      node: "pve",
      template,
      cloudInit: { user: "ops", sshKeys: [sshKey] },
      networks: [{ networkId: "vmbr0" }],
      firewallGroups: [group.groupId],
    });
  }
  // One job for every guest (a VM's own `backups` would add a job per VM to both programs).
  new BackupJob("nightly", { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7 }, all: true });
}

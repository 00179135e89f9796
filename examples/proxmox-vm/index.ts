import * as pulumi from "@pulumi/pulumi";
import { VmFromTemplate } from "@hearth/proxmox";

const cfg = new pulumi.Config();
const node = cfg.get("node") ?? "pve1";
const sshKey = cfg.get("sshPublicKey") ?? "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExampleKeyReplaceWithYourOwnPublicKey ops@example";

// An existing template by id; its 10 GB boot disk grows to 20 GB (it can never shrink).
const template = { vmId: 9000, diskSizeGb: 10 };

const vms = ["app-1", "app-2"].map(
  (name, i) =>
    new VmFromTemplate(name, {
      node,
      template,
      vmId: 3001 + i,
      size: "medium",
      disks: [{ sizeGb: 20 }],
      networks: [{ networkId: "vmbr0", ipv4Address: `192.168.1.${51 + i}/24`, gateway: "192.168.1.1" }],
      cloudInit: { user: "ops", sshKeys: [sshKey], dns: { servers: ["192.168.1.1"], domain: "home.arpa" } },
      labels: { app: "demo" },
    }),
); // clones of one template run side by side: Proxmox locks a stopped template shared

export const addresses = vms.map((vm) => vm.ipv4Address);

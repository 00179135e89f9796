// A Hetzner Cloud server, the same words as the Proxmox VmFromTemplate.
//   pulumi config set --secret hcloud:token <64-character token>
//   pulumi config set sshPublicKey "ssh-ed25519 AAAA... you@host"
import * as pulumi from "@pulumi/pulumi";
import { rule } from "@hearth/core";
import { BackupPolicy, FirewallGroup, Network, VmFromTemplate } from "@hearth/hcloud";

const cfg = new pulumi.Config();
const sshPublicKey = cfg.require("sshPublicKey");

const lab = new Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24", networkZone: "eu-central" });

const web = new FirewallGroup("web", {
  rules: [
    rule.allowIn({ protocol: "tcp", ports: [80, 443] }),
    rule.allowIn({ protocol: "tcp", ports: [22], from: ["198.51.100.0/24"] }),
  ],
});

// Hetzner keeps the last 7 daily backups; asking for more is an error, not a silent downgrade.
const daily = new BackupPolicy("daily", { retention: { keepDaily: 7 } });

const vm = new VmFromTemplate("web-1", {
  location: "fsn1",
  template: "debian-12",
  size: "medium", // -> cx23
  networks: [{ network: lab, ip: "10.20.1.10" }],
  firewallGroups: [web],
  cloudInit: { user: "ops", sshKeys: [sshPublicKey], packages: ["nginx"] },
  labels: { env: "lab" },
  backups: daily,
});

export const ipv4 = vm.ipv4Address;
export const privateIpv4 = vm.privateIpv4Address;

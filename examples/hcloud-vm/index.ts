// A Hetzner Cloud server, the same words as the Proxmox VmFromTemplate: only the import and the
// provider-specific values (location, image) differ.
//   pulumi config set --secret hcloud:token <64-character token>
//   pulumi config set sshPublicKey "ssh-ed25519 AAAA... you@host"
import * as pulumi from "@pulumi/pulumi";
import { rule, type BackupPolicy } from "@hearth/core";
import { FirewallGroup, Network, VmFromTemplate } from "@hearth/hcloud";

const cfg = new pulumi.Config();
const sshPublicKey = cfg.require("sshPublicKey");

const lab = new Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24", networkZone: "eu-central" });

const web = new FirewallGroup("web", {
  rules: [
    rule.allowIn({ protocol: "tcp", ports: [80, 443] }),
    rule.allowIn({ protocol: "tcp", ports: [22], from: ["198.51.100.0/24"] }),
  ],
});

// Hetzner backs up once a day and keeps the last 7; asking for more is an error, not a silent downgrade.
const daily: BackupPolicy = { schedule: "daily", retention: { keepDaily: 7 } };

const vm = new VmFromTemplate("web-1", {
  location: "fsn1",
  image: "debian-12",
  size: "medium", // -> cx23
  networks: [{ networkId: lab.networkId, ipv4Address: "10.20.1.10" }],
  firewallGroups: [web.groupId],
  cloudInit: { user: "ops", sshKeys: [sshPublicKey], packages: ["nginx"] },
  labels: { env: "lab" },
  backups: daily,
});

export const ipv4 = vm.ipv4Address;
export const privateIpv4 = vm.privateIpv4Address;

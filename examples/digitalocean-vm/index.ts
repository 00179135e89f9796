// A DigitalOcean droplet, the same words as the Proxmox VmFromTemplate: only the import and the
// provider-specific values (region) differ.
//   pulumi config set --secret digitalocean:token <token>
//   pulumi config set sshPublicKey "ssh-ed25519 AAAA... you@host"
import * as pulumi from "@pulumi/pulumi";
import { rule, type BackupPolicy } from "@hearth/core";
import { FirewallGroup, Network, VmFromTemplate } from "@hearth/digitalocean";

const cfg = new pulumi.Config();
const sshPublicKey = cfg.require("sshPublicKey");

const vpc = new Network("lab", { region: "ams3", cidr: "10.30.0.0/20" });

// Attached by tag (its groupId); outbound stays open because no outbound rule is given.
const web = new FirewallGroup("web", {
  rules: [
    rule.allowIn({ protocol: "tcp", ports: [80, 443] }),
    rule.allowIn({ protocol: "tcp", ports: [22], from: ["198.51.100.0/24"] }),
  ],
});

// A calendar event DigitalOcean can run exactly: weekly, Sunday, window starting 20:00 UTC.
const weekly: BackupPolicy = { schedule: "sun 20:00" };

const vm = new VmFromTemplate("web-1", {
  region: "ams3",
  size: "small", // -> s-1vcpu-2gb
  networks: [{ networkId: vpc.networkId }],
  firewallGroups: [web.groupId],
  cloudInit: { user: "ops", sshKeys: [sshPublicKey], packages: ["nginx"] },
  labels: { env: "lab" },
  backups: weekly,
});

export const ipv4 = vm.ipv4Address;
export const tags = vm.tags;

// Hearth's hcloud components: a network, a firewall group and a VM with daily backups, on the contract's args.
import { rule } from "@hearth/core";
import { FirewallGroup, Network, VmFromTemplate } from "@hearth/hcloud";
import { sshKey } from "./fixtures.js";

const lab = new Network("lab", { cidr: "10.20.0.0/16", subnetCidr: "10.20.1.0/24" });
const web = new FirewallGroup("web", {
  rules: [rule.allowIn({ protocol: "tcp", ports: [80, 443] }), rule.allowIn({ protocol: "tcp", ports: [22], from: ["198.51.100.0/24"] })],
});
const vm = new VmFromTemplate("web-1", {
  location: "fsn1",
  size: "medium",
  networks: [{ networkId: lab.networkId, ipv4Address: "10.20.1.10" }],
  firewallGroups: [web.groupId],
  cloudInit: { user: "ops", sshKeys: [sshKey] },
  backups: { retention: { keepDaily: 7 } },
});

export const instanceId = vm.instanceId;
export const ip = vm.ipv4Address;
export const privateIp = vm.privateIpv4Address;

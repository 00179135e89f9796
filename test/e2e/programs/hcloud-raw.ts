// Raw @pulumi/hcloud resources, no Hearth: the sandbox's fidelity for what the provider calls.
import * as hcloud from "@pulumi/hcloud";

const primaryIp = new hcloud.PrimaryIp("gw-ip", { type: "ipv4", location: "fsn1", autoDelete: false, labels: { "hearth/role": "ingress" } });
const fw = new hcloud.Firewall("gw-fw", { rules: [{ direction: "in", protocol: "tcp", port: "443", sourceIps: ["0.0.0.0/0", "::/0"] }] });
const server = new hcloud.Server("gw-1", {
  serverType: "cx23",
  image: "debian-12",
  location: "fsn1",
  labels: { "hearth/role": "ingress" },
  firewallIds: [fw.id.apply(Number)],
  publicNets: [{ ipv4Enabled: true, ipv4: primaryIp.id.apply(Number), ipv6Enabled: false }],
  backups: true,
});

export const ip = server.ipv4Address;

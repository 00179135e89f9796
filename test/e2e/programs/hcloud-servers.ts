// A small raw hcloud stack: a firewall open to the admin range on SSH, and `count` servers
// (web-1..web-N) behind it with backups. Config: `count`.
import * as pulumi from "@pulumi/pulumi";
import * as hcloud from "@pulumi/hcloud";

const config = new pulumi.Config();
const fw = new hcloud.Firewall("web-fw", { rules: [{ direction: "in", protocol: "tcp", port: "22", sourceIps: ["198.51.100.0/24"] }] });
const servers = Array.from(
  { length: config.requireNumber("count") },
  (_, i) => new hcloud.Server(`web-${i + 1}`, { serverType: "cx23", image: "debian-12", location: "fsn1", firewallIds: [fw.id.apply(Number)], backups: true }),
);

export const names = servers.map((s) => s.name);

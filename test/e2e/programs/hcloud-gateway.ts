// A GatewayNode on hcloud. Config (project namespace): `ports` (TCP ports, list), `region`
// (default fsn1), `homeWireguardPublicKey`, and the secret `wireguardSeed`.
import * as pulumi from "@pulumi/pulumi";
import { GatewayNode } from "@hearth/gateway";

const config = new pulumi.Config();
const gw = new GatewayNode("ingress-fsn1", {
  role: "ingress",
  cloud: "hcloud",
  region: config.get("region") ?? "fsn1",
  ports: config.requireObject<number[]>("ports").map((port) => ({ protocol: "tcp" as const, port })),
  home: { wireguardPublicKey: config.require("homeWireguardPublicKey"), tunnelCidr: "10.99.0.0/24" },
  adminCidrs: ["198.51.100.0/24"],
  wireguardSeed: config.requireSecret("wireguardSeed"),
});

export const ip = gw.publicIp;

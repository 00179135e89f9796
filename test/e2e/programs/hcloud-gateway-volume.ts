// A GatewayNode on hcloud with a Volume. Config (project namespace): `ports` (TCP ports, list),
// `homeWireguardPublicKey`, and the secret `wireguardSeed`. The volume is unprotected so the
// test's destroy leaves nothing.
import * as pulumi from "@pulumi/pulumi";
import { GatewayNode } from "@hearth/gateway";
import { Volume } from "@hearth/hcloud";

const config = new pulumi.Config();
const state = new Volume("ingress-fsn1-data", { location: "fsn1", sizeGb: 10, deleteProtection: false });
const gw = new GatewayNode("ingress-fsn1", {
  role: "ingress",
  cloud: "hcloud",
  region: "fsn1",
  ports: config.requireObject<number[]>("ports").map((port) => ({ protocol: "tcp" as const, port })),
  home: { wireguardPublicKey: config.require("homeWireguardPublicKey"), tunnelCidr: "10.99.0.0/24" },
  adminCidrs: ["198.51.100.0/24"],
  wireguardSeed: config.requireSecret("wireguardSeed"),
  volumes: [{ volumeId: state.volumeId, mountPath: "/var/lib/hearth" }],
});

export const ip = gw.publicIp;
export const volumeId = state.volumeId;

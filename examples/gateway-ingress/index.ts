// A public front door on Hetzner Cloud: 80/443 forwarded through WireGuard to home.
//   pulumi config set --secret hcloud:token <64-character token>
//   pulumi config set --secret wireguardSeed "$(openssl rand -base64 32)"
//   pulumi config set homeWireguardPublicKey "$(wg pubkey < home.key)"
import * as pulumi from "@pulumi/pulumi";
import { GatewayNode } from "@hearth/gateway";

const cfg = new pulumi.Config();

const door = new GatewayNode("ingress-fsn1", {
  role: "ingress",
  cloud: "hcloud",
  region: "fsn1",
  size: "cx23",
  ports: [
    { protocol: "tcp", port: 80 },
    { protocol: "tcp", port: 443 },
  ],
  home: { wireguardPublicKey: cfg.require("homeWireguardPublicKey"), tunnelCidr: "10.99.0.0/24" },
  tunnelAddress: "10.99.0.11",
  adminCidrs: ["198.51.100.0/24"], // SSH only from here; 0.0.0.0/0 is refused
  wireguardSeed: cfg.requireSecret("wireguardSeed"), // the key is derived per gateway name
});

export const publicIp = door.publicIp; // a primary IP that outlives the server
export const wireguardPublicKey = door.publicKey; // put this in home's [Peer]
export const catalogEntry = door.catalogEntry;

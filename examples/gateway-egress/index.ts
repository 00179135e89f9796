// An exit point on DigitalOcean: home's traffic leaves through a reserved IP.
//   pulumi config set --secret digitalocean:token <token>
//   wg genkey | pulumi config set --secret wireguardPrivateKey
//   pulumi config set homeWireguardPublicKey "$(wg pubkey < home.key)"
import * as pulumi from "@pulumi/pulumi";
import { GatewayNode } from "@hearth/gateway";

const cfg = new pulumi.Config();

const exit = new GatewayNode("egress-ams3", {
  role: "egress",
  cloud: "digitalocean",
  region: "ams3",
  home: {
    wireguardPublicKey: cfg.require("homeWireguardPublicKey"),
    tunnelCidr: "10.99.0.0/24",
    networks: ["192.168.1.0/24"], // NATed on the way out
  },
  tunnelAddress: "10.99.0.21",
  adminCidrs: ["198.51.100.0/24"],
  wireguardPrivateKey: cfg.requireSecret("wireguardPrivateKey"),
  state: "active", // "draining" drops it from catalogs before you remove it
});

export const publicIp = exit.publicIp; // a reserved IP that outlives the droplet
export const wireguardPublicKey = exit.publicKey;

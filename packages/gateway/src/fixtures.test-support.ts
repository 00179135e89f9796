// Test support (not exported): the WireGuard seed and the ingress gateway shared by the gateway tests.
import * as pulumi from "@pulumi/pulumi";
import type { GatewayNodeArgs } from "./gatewayNode.js";
import { deriveWireguardPrivateKey, wireguardPublicKey } from "./wireguard.js";

/** A test seed (base64 of a sentence saying so), never a real secret. */
export const seed = "dGVzdCBzZWVkIG9ubHkgLSBub3QgYSByZWFsIHNlY3JldCEh";

/** Home's WireGuard public key, derived from `seed`. */
export const homeKey = wireguardPublicKey(deriveWireguardPrivateKey(seed, "home"));

/** An hcloud ingress gateway in fsn1 serving tcp/443, administered from 198.51.100.0/24, tunnelled to `home`. */
export const ingressArgs = (home: GatewayNodeArgs["home"]): GatewayNodeArgs => ({
  role: "ingress",
  cloud: "hcloud",
  region: "fsn1",
  ports: [{ protocol: "tcp", port: 443 }],
  home,
  adminCidrs: ["198.51.100.0/24"],
  tunnelAddress: "10.99.0.11",
  wireguardSeed: pulumi.secret(seed),
});

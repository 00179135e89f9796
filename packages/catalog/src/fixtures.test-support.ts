// Test support (not exported): gateway entries and keys shared by the catalog tests.
import { generateKeyPairSync } from "node:crypto";
import type { GatewayEntry } from "@hearth/core";

/** A WireGuard-shaped public key (32 bytes, base64) made of one repeated byte. */
export const wg = (n: number): string => Buffer.alloc(32, n).toString("base64");

/** An active hcloud ingress gateway in fsn1 serving 443, with any field overridden. */
export const gatewayEntry = (id: string, over: Partial<GatewayEntry> = {}): GatewayEntry => ({
  id,
  role: "ingress",
  provider: "hcloud",
  region: "fsn1",
  addresses: { ipv4: "203.0.113.10" },
  ports: [{ protocol: "tcp", port: 443 }],
  wireguardPublicKey: wg(1),
  ...over,
});

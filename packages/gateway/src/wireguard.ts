import { createPrivateKey, createPublicKey, hkdfSync } from "node:crypto";
import type { Fail } from "@hearth/core";

// DER prefixes of an X25519 key in PKCS#8 (private) and SPKI (public) form; the raw
// 32-byte key follows. WireGuard keys are those 32 bytes in base64.
const pkcs8Prefix = Buffer.from("302e020100300506032b656e04220420", "hex");

const keyPattern = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** True for a WireGuard key: 32 bytes in base64 (44 characters). */
export function isWireguardKey(value: unknown): value is string {
  return typeof value === "string" && keyPattern.test(value) && Buffer.from(value, "base64").length === 32;
}

/** Checks a WireGuard public key. */
export function checkWireguardPublicKey(fail: Fail, field: string, value: unknown): string {
  if (!isWireguardKey(value)) fail(field, value, "use a WireGuard public key: 44 characters of base64 (the output of `wg pubkey`)");
  return value as string;
}

/** Checks a WireGuard private key without ever echoing it. */
export function checkWireguardPrivateKey(fail: Fail, field: string, value: unknown): string {
  if (!isWireguardKey(value)) fail(field, "[secret]", "use a WireGuard private key: 44 characters of base64 (the output of `wg genkey`)");
  return value as string;
}

/** The smallest seed Hearth accepts: 32 characters, such as `openssl rand -base64 32`. */
export const minimumSeedLength = 32;

/** Checks a key-derivation seed without ever echoing it. */
export function checkWireguardSeed(fail: Fail, field: string, value: unknown): string {
  if (typeof value !== "string" || value.length < minimumSeedLength) {
    fail(field, "[secret]", `use a random secret of at least ${minimumSeedLength} characters, for example the output of \`openssl rand -base64 32\``);
  }
  return value as string;
}

/**
 * Derives a gateway's WireGuard private key from a fleet seed and the gateway's id with
 * HKDF-SHA256, clamped as `wg genkey` does. The same seed and id always give the same key
 * (no diff on preview); different ids give unrelated keys; the seed cannot be recovered from
 * a key.
 */
export function deriveWireguardPrivateKey(seed: string, gatewayId: string): string {
  const key = Buffer.from(hkdfSync("sha256", Buffer.from(seed, "utf8"), Buffer.from("hearth/wireguard/v1"), Buffer.from(gatewayId, "utf8"), 32));
  key[0] = key[0]! & 248;
  key[31] = (key[31]! & 127) | 64;
  return key.toString("base64");
}

/** The public key of a WireGuard private key (what `wg pubkey` prints). */
export function wireguardPublicKey(privateKey: string): string {
  const raw = Buffer.from(privateKey, "base64");
  if (raw.length !== 32) throw new Error("a WireGuard private key is 32 bytes");
  const key = createPrivateKey({ key: Buffer.concat([pkcs8Prefix, raw]), format: "der", type: "pkcs8" });
  return createPublicKey(key).export({ format: "der", type: "spki" }).subarray(-32).toString("base64");
}

import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor } from "@hearth/core";
import { checkWireguardPrivateKey, checkWireguardPublicKey, checkWireguardSeed, deriveWireguardPrivateKey, isWireguardKey, wireguardPublicKey } from "./wireguard.js";

const fail = failFor("GatewayNode", "ingress-fsn1");
const seed = "Zm9yIHRlc3RzIG9ubHk6IG5vdCBhIHJlYWwgc2VlZCEhIQ==";
const hex = (h: string) => Buffer.from(h, "hex").toString("base64");

describe("WireGuard keys", () => {
  it("computes the public key of RFC 7748's test vector", () => {
    const alice = hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    expect(wireguardPublicKey(alice)).toBe(hex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a"));
  });

  it("agrees with node:crypto's own X25519 key pairs", () => {
    for (let i = 0; i < 5; i++) {
      const pair = generateKeyPairSync("x25519");
      const priv = pair.privateKey.export({ format: "der", type: "pkcs8" }).subarray(-32).toString("base64");
      const pub = pair.publicKey.export({ format: "der", type: "spki" }).subarray(-32).toString("base64");
      expect(wireguardPublicKey(priv)).toBe(pub);
    }
  });

  it("derives a stable, clamped key per gateway from one seed", () => {
    const a = deriveWireguardPrivateKey(seed, "ingress-fsn1");
    expect(deriveWireguardPrivateKey(seed, "ingress-fsn1")).toBe(a);
    expect(deriveWireguardPrivateKey(seed, "ingress-ams3")).not.toBe(a);
    expect(deriveWireguardPrivateKey(`${seed}x`, "ingress-fsn1")).not.toBe(a);
    expect(isWireguardKey(a)).toBe(true);
    const raw = Buffer.from(a, "base64");
    expect(raw[0]! & 7).toBe(0);
    expect(raw[31]! & 0xc0).toBe(0x40);
  });

  it("checks keys and seeds without echoing secrets", () => {
    const key = deriveWireguardPrivateKey(seed, "x");
    expect(checkWireguardPublicKey(fail, "home.wireguardPublicKey", wireguardPublicKey(key))).toBeTruthy();
    expect(() => checkWireguardPublicKey(fail, "home.wireguardPublicKey", "abc")).toThrow(/home.wireguardPublicKey "abc".*wg pubkey/);
    const badKey = `${key.slice(0, 40)}!!!=`;
    expect(() => checkWireguardPrivateKey(fail, "wireguardPrivateKey", badKey)).toThrow(HearthValidationError);
    expect(() => checkWireguardPrivateKey(fail, "wireguardPrivateKey", badKey)).not.toThrow(new RegExp(key.slice(0, 20).replace(/[+/]/g, "\\$&")));
    expect(() => checkWireguardSeed(fail, "wireguardSeed", "short-secret-value")).toThrow(/"\[secret\]".*at least 32 characters/);
    expect(() => checkWireguardSeed(fail, "wireguardSeed", "short-secret-value")).not.toThrow(/short-secret-value/);
  });
});

/**
 * Catalog sign and verify time, in one process, with @hearth/catalog's pure functions from
 * the BUILT package:
 *
 *   TSX_TSCONFIG_PATH=test/bench/tsconfig.bench.json node --import tsx test/bench/catalog-worker.ts 10,100,1000 [reps]
 *
 * sign = canonicalCatalog (check, filter, sort, canonical JSON) + signCatalog (PEM key parse +
 * Ed25519) + serializeSignedCatalog; verify = verifyCatalog of the serialized envelope (parse,
 * Ed25519 verify, schema check, canonical form check, validity window). Prints one JSON line.
 */
import { createHash, generateKeyPairSync } from "node:crypto";
import { canonicalCatalog, serializeSignedCatalog, signCatalog, verifyCatalog } from "@hearth/catalog";
import type { GatewayEntry } from "@hearth/core";
import { median, round } from "./stats.js";

/** A deterministic fleet of `n` gateways (one in ten draining, so filtering is exercised). */
export function fleet(n: number): GatewayEntry[] {
  return Array.from({ length: n }, (_, i): GatewayEntry => {
    const key = createHash("sha256").update(`gw-${i}`).digest("base64");
    return {
      id: `gw-${String(i).padStart(5, "0")}`,
      role: i % 3 === 0 ? "egress" : "ingress",
      provider: i % 2 ? "hcloud" : "digitalocean",
      region: ["fsn1", "nbg1", "hel1", "fra1", "ams3"][i % 5]!,
      addresses: { ipv4: `203.0.${(i >> 8) & 255}.${i & 255}`, ipv6: `2001:db8::${(i + 1).toString(16)}` },
      ports: [
        { protocol: "udp", port: 51820 },
        { protocol: "tcp", port: 443 },
        { protocol: "tcp", port: 80 },
      ],
      wireguardPublicKey: key,
      ...(i % 10 === 9 ? { state: "draining" as const } : {}),
    };
  });
}

const quantile = (values: readonly number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;

async function main(): Promise<void> {
  const sizes = (process.argv[2] ?? "10,100,1000").split(",").map(Number);
  const repsArg = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const publicPem = publicKey.export({ type: "spki", format: "pem" }).toString();
  const keyId = "bench-2026";
  const now = Date.parse("2026-11-24T00:00:00Z");
  const results = [];
  for (const n of sizes) {
    const input = { gateways: fleet(n), keyId, issuedAt: "2026-11-23T00:00:00Z", validFor: "30d" };
    const reps = repsArg ?? (n >= 1000 ? 30 : 100);
    const sign = () => serializeSignedCatalog(signCatalog(canonicalCatalog(input), privatePem, keyId));
    const envelope = sign();
    const check = verifyCatalog(envelope, { [keyId]: publicPem }, now);
    if (!check.ok || check.catalog.gateways.length !== n - Math.floor(n / 10)) throw new Error(`verify failed for n=${n}: ${JSON.stringify(check)}`);
    for (let i = 0; i < 5; i++) verifyCatalog(sign(), { [keyId]: publicPem }, now); // warm-up
    const signMs: number[] = [];
    const verifyMs: number[] = [];
    for (let i = 0; i < reps; i++) {
      let t = performance.now();
      sign();
      signMs.push(performance.now() - t);
      t = performance.now();
      verifyCatalog(envelope, { [keyId]: publicPem }, now);
      verifyMs.push(performance.now() - t);
    }
    results.push({
      gateways: n,
      published: n - Math.floor(n / 10),
      envelopeBytes: Buffer.byteLength(envelope),
      reps,
      signMs: round(median(signMs)),
      signP90Ms: round(quantile(signMs, 0.9)),
      verifyMs: round(median(verifyMs)),
      verifyP90Ms: round(quantile(verifyMs, 0.9)),
    });
  }
  const modules = Object.keys(require.cache).filter((k) => /[/\\]packages[/\\]/.test(k));
  if (modules.some((k) => !/[/\\]dist[/\\]/.test(k))) throw new Error(`@hearth/* loaded from sources: ${modules.join(", ")}`);
  process.stdout.write(JSON.stringify({ results, modules: modules.map((k) => k.replace(/^.*[/\\]packages[/\\]/, "packages/")) }) + "\n");
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);

/**
 * The client side of the gateway catalog: verify a signed catalog, pick a front door.
 * Plain functions with no Pulumi at run time (only node:crypto and node:net); import them
 * from "@hearth/catalog/client" in agents, CLIs and services.
 */
import { createPublicKey, verify, type KeyObject } from "node:crypto";
import type { Fail, GatewayRole } from "@hearth/core";
import { canonicalize } from "./canonical.js";
import { checkDocument, isKeyId, type CatalogDocument, type CatalogGateway, type SignedCatalog } from "./schema.js";

export { canonicalize } from "./canonical.js";
export { catalogSchemaV1, parseTimestamp, type CatalogDocument, type CatalogGateway, type SignedCatalog } from "./schema.js";

/**
 * How far a catalog's `issuedAt` may lie ahead of the client's clock before it is refused
 * as `not-yet-valid`: 5 minutes, for ordinary clock drift. Expiry has no allowance: a
 * catalog is `expired` from the instant `now >= expiresAt`.
 */
export const catalogClockSkewMs = 5 * 60_000;

/** Largest envelope accepted (1 MiB); anything bigger is `malformed` without being parsed. */
export const maxSignedCatalogBytes = 1024 * 1024;

export type CatalogErrorCode = "malformed" | "unknown-key" | "bad-signature" | "expired" | "not-yet-valid";

export interface CatalogError {
  readonly code: CatalogErrorCode;
  /** For people and logs; says what was wrong, never what to trust instead. */
  readonly message: string;
}

export type VerifyResult = { readonly ok: true; readonly catalog: CatalogDocument } | { readonly ok: false; readonly error: CatalogError };

/** Trusted public keys by key id: SPKI PEM strings or KeyObjects, as a record or a Map. */
export type TrustedKeys = Readonly<Record<string, string | KeyObject>> | ReadonlyMap<string, string | KeyObject>;

class Refused extends Error {
  constructor(readonly code: CatalogErrorCode, message: string) {
    super(message);
  }
}

const refuse = (code: CatalogErrorCode, message: string): never => {
  throw new Refused(code, message);
};

const malformedFail: Fail = (field, value, allowed) => {
  let shown: string;
  try {
    shown = value === undefined ? "(missing)" : (JSON.stringify(value) ?? String(value));
  } catch {
    shown = String(value);
  }
  return refuse("malformed", `${field} ${shown.length > 120 ? `${shown.slice(0, 117)}...` : shown} is not valid; ${allowed}`);
};

function trustedKey(trustedKeys: TrustedKeys, keyId: string): string | KeyObject | undefined {
  if (trustedKeys instanceof Map) return trustedKeys.get(keyId);
  const record = trustedKeys as Readonly<Record<string, string | KeyObject>>;
  return Object.hasOwn(record, keyId) ? record[keyId] : undefined;
}

function publicKeyOf(keyId: string, key: string | KeyObject): KeyObject {
  let parsed: KeyObject | undefined;
  try {
    parsed = typeof key === "string" ? createPublicKey({ key, format: "pem" }) : key;
  } catch {
    parsed = undefined;
  }
  if (parsed === undefined || parsed.type !== "public" || parsed.asymmetricKeyType !== "ed25519") {
    refuse("unknown-key", `the trusted key for keyId ${JSON.stringify(keyId)} is not an Ed25519 public key (SPKI PEM or KeyObject)`);
  }
  return parsed!;
}

/** Decodes base64 only when it is the one canonical encoding of a 64-byte signature. */
function signatureBytes(text: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/]{86}==$/.test(text)) return undefined;
  const bytes = Buffer.from(text, "base64");
  return bytes.length === 64 && bytes.toString("base64") === text ? bytes : undefined;
}

function envelopeOf(input: unknown): SignedCatalog {
  let value = input;
  if (typeof input === "string") {
    if (Buffer.byteLength(input, "utf8") > maxSignedCatalogBytes) refuse("malformed", `the signed catalog is larger than ${maxSignedCatalogBytes} bytes`);
    try {
      value = JSON.parse(input) as unknown;
    } catch {
      refuse("malformed", "the signed catalog is not JSON");
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) refuse("malformed", "the signed catalog is not an object { document, keyId, signature }");
  const envelope = value as Record<string, unknown>;
  const keys = Object.keys(envelope).sort();
  if (keys.join(",") !== "document,keyId,signature") {
    refuse("malformed", `the signed catalog has fields ${JSON.stringify(keys)}; expected exactly document, keyId, signature`);
  }
  if (typeof envelope.document !== "string") refuse("malformed", "document is not a string (it is the signed JSON text)");
  if (Buffer.byteLength(envelope.document as string, "utf8") > maxSignedCatalogBytes) refuse("malformed", `document is larger than ${maxSignedCatalogBytes} bytes`);
  if (!isKeyId(envelope.keyId)) refuse("malformed", `keyId ${JSON.stringify(envelope.keyId)} is not a valid key id`);
  if (typeof envelope.signature !== "string" || signatureBytes(envelope.signature) === undefined) {
    refuse("malformed", "signature is not the canonical base64 of a 64-byte Ed25519 signature");
  }
  return envelope as unknown as SignedCatalog;
}

/**
 * Verifies a signed catalog and returns its document, or a typed error. Checks, in order:
 * 1. the envelope's shape (`malformed`), 2. the key id is trusted (`unknown-key`),
 * 3. the Ed25519 signature over the document's UTF-8 bytes (`bad-signature`),
 * 4. the document's schema: exact fields, canonical JSON, gateways sorted and unique, and
 *    its keyId equal to the envelope's (`malformed`),
 * 5. `issuedAt <= now + 5 min` (`not-yet-valid`), 6. `now < expiresAt` (`expired`).
 *
 * `doc` is the envelope as a JSON string or as a parsed object. It never throws for a bad
 * document; it throws a TypeError only when `now` is not a valid Date or epoch-millisecond number.
 */
export function verifyCatalog(doc: unknown, trustedKeys: TrustedKeys, now: Date | number): VerifyResult {
  const nowMs = typeof now === "number" ? now : now instanceof Date ? now.getTime() : Number.NaN;
  if (!Number.isFinite(nowMs)) throw new TypeError("verifyCatalog: now must be a valid Date or epoch milliseconds");
  try {
    const envelope = envelopeOf(doc);
    const key = trustedKey(trustedKeys, envelope.keyId);
    if (key === undefined) refuse("unknown-key", `keyId ${JSON.stringify(envelope.keyId)} is not among the trusted keys`);
    const publicKey = publicKeyOf(envelope.keyId, key!);
    if (!verify(null, Buffer.from(envelope.document, "utf8"), publicKey, signatureBytes(envelope.signature)!)) {
      refuse("bad-signature", `the signature does not match the document for keyId ${JSON.stringify(envelope.keyId)}`);
    }

    let parsed: unknown;
    try {
      parsed = JSON.parse(envelope.document) as unknown;
    } catch {
      refuse("malformed", "the signed document is not JSON");
    }
    const catalog = checkDocument(malformedFail, parsed);
    if (canonicalize(parsed) !== envelope.document) refuse("malformed", "the signed document is not in canonical JSON form");
    if (catalog.keyId !== envelope.keyId) refuse("malformed", `the document names keyId ${JSON.stringify(catalog.keyId)} but the envelope says ${JSON.stringify(envelope.keyId)}`);

    const issuedMs = Date.parse(catalog.issuedAt);
    const expiresMs = Date.parse(catalog.expiresAt);
    if (issuedMs > nowMs + catalogClockSkewMs) refuse("not-yet-valid", `the catalog is issued at ${catalog.issuedAt}, later than now (${new Date(nowMs).toISOString()}) plus 5 minutes`);
    if (nowMs >= expiresMs) refuse("expired", `the catalog expired at ${catalog.expiresAt} (now ${new Date(nowMs).toISOString()})`);
    return { ok: true, catalog };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, error: { code: error.code, message: error.message } };
    return { ok: false, error: { code: "malformed", message: "the signed catalog could not be read" } };
  }
}

export interface FrontDoorOptions {
  /** The kind of gateway wanted. */
  readonly role: GatewayRole;
  /** Preferred region: gateways there rank first. @default no preference */
  readonly region?: string;
  /** Gateway ids the client saw fail; never returned. @default none */
  readonly failed?: Iterable<string>;
  /** The client's current choice (id or entry); kept while it is still listed, of the role and not failed. */
  readonly previous?: string | { readonly id: string };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every usable gateway for `role`, best first: those in `region` first, then by id
 * (code-unit order; ties, possible only in an unverified catalog, by the entry's canonical
 * JSON). Failed ids are left out. The order does not depend on the catalog's list order.
 */
export function rankFrontDoors(catalog: Pick<CatalogDocument, "gateways">, options: Omit<FrontDoorOptions, "previous">): CatalogGateway[] {
  const failed = new Set(options.failed ?? []);
  const inRegion = (g: CatalogGateway) => (options.region !== undefined && g.region === options.region ? 0 : 1);
  return catalog.gateways
    .filter((g) => g.role === options.role && !failed.has(g.id))
    .map((g) => ({ g, key: canonicalize(g) }))
    .sort((a, b) => inRegion(a.g) - inRegion(b.g) || compareText(a.g.id, b.g.id) || compareText(a.key, b.key))
    .map(({ g }) => g);
}

/**
 * Picks the front door: the previous choice while it is still valid (listed, so active; of
 * the role; not failed), so clients do not flap when a better-ranked gateway appears;
 * otherwise the first of {@link rankFrontDoors}. `undefined` when no usable gateway is left.
 */
export function selectFrontDoor(catalog: Pick<CatalogDocument, "gateways">, options: FrontDoorOptions): CatalogGateway | undefined {
  const ranked = rankFrontDoors(catalog, options);
  const previousId = typeof options.previous === "string" ? options.previous : options.previous?.id;
  return (previousId !== undefined ? ranked.find((g) => g.id === previousId) : undefined) ?? ranked[0];
}

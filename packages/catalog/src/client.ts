/**
 * The client side of the gateway catalog: verify a signed catalog, pick a front door.
 * Plain functions with no Pulumi at run time (only node:crypto and node:net); import them
 * from "@hearth/catalog/client" in agents, CLIs and services.
 */
import { createPublicKey, KeyObject, verify } from "node:crypto";
import type { Fail, GatewayRole } from "@hearth/core";
import { gatewayRoles } from "@hearth/core/gateway";
import { canonicalize } from "./canonical.js";
import { parseStrictJson, StrictJsonError } from "./strictJson.js";
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

/**
 * A mistake in how a client calls this module (not in the catalog it reads): a wrong `now`,
 * trusted keys that are not a record or Map of keys, a `failed` that is not a list of ids.
 * A TypeError, so code that caught the earlier TypeError for a bad `now` keeps working.
 */
export class CatalogUsageError extends TypeError {
  override readonly name = "CatalogUsageError";
  constructor(
    /** The function that was called wrongly (`verifyCatalog`, `selectFrontDoor`, ...). */
    readonly fn: string,
    /** The argument or option at fault (`now`, `trustedKeys`, `options.failed`, ...). */
    readonly option: string,
    /** What is accepted there. */
    readonly allowed: string,
  ) {
    // The value itself is left out: trusted keys and states may come from files a caller
    // would not want echoed into logs, and the type is enough to find the mistake.
    super(`${fn}: ${option} is not valid; ${allowed}`);
  }
}

/** {@link parseStrictJson}, reporting a refusal as `malformed`. */
function parseJsonStrict(text: string, what: string): unknown {
  try {
    return parseStrictJson(text);
  } catch (error) {
    return refuse("malformed", error instanceof StrictJsonError ? `${what}: ${error.message}` : `${what} is not JSON`);
  }
}

/** The envelope's three fields, each read exactly once into plain strings. */
interface EnvelopeFields {
  /** The UTF-8 bytes of the signed document: what the signature is checked over and what is parsed. */
  readonly documentBytes: Buffer;
  readonly keyId: string;
  readonly signature: Buffer;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Reads the envelope once. JSON text (a string or bytes) is parsed strictly (no duplicate
 * keys); a parsed object is read field by field exactly once, so an object whose getters
 * answer differently on a second read cannot show one document to the signature check and
 * another to the parser. The document is turned into bytes here, once: a string that is not
 * well-formed Unicode (a lone surrogate, which UTF-8 cannot carry) is refused rather than
 * silently replaced, so the bytes verified are the bytes later parsed.
 */
function envelopeOf(input: unknown): EnvelopeFields {
  let value = input;
  if (input instanceof Uint8Array) {
    if (input.byteLength > maxSignedCatalogBytes) refuse("malformed", `the signed catalog is larger than ${maxSignedCatalogBytes} bytes`);
    let text: string;
    try {
      text = utf8.decode(input);
    } catch {
      return refuse("malformed", "the signed catalog is not UTF-8 text");
    }
    value = parseJsonStrict(text, "the signed catalog");
  } else if (typeof input === "string") {
    if (Buffer.byteLength(input, "utf8") > maxSignedCatalogBytes) refuse("malformed", `the signed catalog is larger than ${maxSignedCatalogBytes} bytes`);
    value = parseJsonStrict(input, "the signed catalog");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) refuse("malformed", "the signed catalog is not an object { document, keyId, signature }");
  const keys = Object.keys(value as object).sort();
  if (keys.join(",") !== "document,keyId,signature") {
    refuse("malformed", `the signed catalog has fields ${JSON.stringify(keys)}; expected exactly document, keyId, signature`);
  }
  // One read per field, whatever kind of object this is.
  const { document, keyId, signature } = value as Record<string, unknown>;
  if (typeof document !== "string") return refuse("malformed", "document is not a string (it is the signed JSON text)");
  if (/\p{Cs}/u.test(document)) refuse("malformed", "document is not well-formed Unicode (it has a lone surrogate)");
  const documentBytes = Buffer.from(document, "utf8");
  if (documentBytes.byteLength > maxSignedCatalogBytes) refuse("malformed", `document is larger than ${maxSignedCatalogBytes} bytes`);
  if (!isKeyId(keyId)) return refuse("malformed", `keyId ${JSON.stringify(keyId)} is not a valid key id`);
  const signatureBuffer = typeof signature === "string" ? signatureBytes(signature) : undefined;
  if (signatureBuffer === undefined) return refuse("malformed", "signature is not the canonical base64 of a 64-byte Ed25519 signature");
  return { documentBytes, keyId, signature: signatureBuffer };
}

function checkTrustedKeys(trustedKeys: unknown): TrustedKeys {
  const allowed = "give trusted keys as a record or Map from key id to an Ed25519 public key (SPKI PEM string or KeyObject)";
  const isKey = (key: unknown) => typeof key === "string" || key instanceof KeyObject;
  if (trustedKeys instanceof Map) {
    for (const [id, key] of trustedKeys) if (typeof id !== "string" || !isKey(key)) throw new CatalogUsageError("verifyCatalog", "trustedKeys", allowed);
    return trustedKeys as TrustedKeys;
  }
  if (typeof trustedKeys !== "object" || trustedKeys === null || Array.isArray(trustedKeys)) throw new CatalogUsageError("verifyCatalog", "trustedKeys", allowed);
  for (const key of Object.values(trustedKeys)) if (!isKey(key)) throw new CatalogUsageError("verifyCatalog", "trustedKeys", allowed);
  return trustedKeys as TrustedKeys;
}

/**
 * Verifies a signed catalog and returns its document, or a typed error. Checks, in order:
 * 1. the envelope's shape (`malformed`), 2. the key id is trusted (`unknown-key`),
 * 3. the Ed25519 signature over the document's UTF-8 bytes (`bad-signature`),
 * 4. the document's schema: exact fields, canonical JSON, gateways sorted and unique, and
 *    its keyId equal to the envelope's (`malformed`),
 * 5. `issuedAt <= now + 5 min` (`not-yet-valid`), 6. `now < expiresAt` (`expired`).
 *
 * `doc` is the envelope as JSON text (a string, or its UTF-8 bytes as a Buffer or
 * Uint8Array) or as a parsed object. It is read once: the signature is checked over the
 * document's bytes and the document is parsed from those same bytes. Duplicate keys in any
 * JSON it parses are `malformed`. It never throws for a bad document; it throws a
 * {@link CatalogUsageError} (a TypeError) when `now` is not a valid Date or epoch-millisecond
 * number or `trustedKeys` is not a record or Map of keys.
 */
export function verifyCatalog(doc: unknown, trustedKeys: TrustedKeys, now: Date | number): VerifyResult {
  const nowMs = typeof now === "number" ? now : now instanceof Date ? now.getTime() : Number.NaN;
  if (!Number.isFinite(nowMs)) throw new CatalogUsageError("verifyCatalog", "now", "give a valid Date or epoch milliseconds");
  checkTrustedKeys(trustedKeys);
  try {
    const envelope = envelopeOf(doc);
    const key = trustedKey(trustedKeys, envelope.keyId);
    if (key === undefined) refuse("unknown-key", `keyId ${JSON.stringify(envelope.keyId)} is not among the trusted keys`);
    const publicKey = publicKeyOf(envelope.keyId, key!);
    if (!verify(null, envelope.documentBytes, publicKey, envelope.signature)) {
      refuse("bad-signature", `the signature does not match the document for keyId ${JSON.stringify(envelope.keyId)}`);
    }

    // Parsed from the bytes that were verified, never from a second read of the input.
    const documentText = utf8.decode(envelope.documentBytes);
    const parsed = parseJsonStrict(documentText, "the signed document");
    const catalog = checkDocument(malformedFail, parsed);
    if (canonicalize(parsed) !== documentText) refuse("malformed", "the signed document is not in canonical JSON form");
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
  return rank("rankFrontDoors", catalog, checkOptions("rankFrontDoors", options));
}

interface CheckedOptions {
  readonly role: GatewayRole;
  readonly region?: string;
  readonly failed: ReadonlySet<string>;
  readonly previousId?: string;
}

/**
 * Checks the options at run time, for callers without TypeScript or with state read from a
 * file: a `failed` that is a string would otherwise be iterated character by character.
 */
function checkOptions(fn: string, options: unknown): CheckedOptions {
  if (typeof options !== "object" || options === null) throw new CatalogUsageError(fn, "options", "give an options object such as { role: \"ingress\" }");
  const { role, region, failed, previous } = options as Record<string, unknown>;
  if (typeof role !== "string" || !(gatewayRoles as readonly string[]).includes(role)) {
    throw new CatalogUsageError(fn, "options.role", `use one of ${gatewayRoles.map((r) => JSON.stringify(r)).join(", ")}`);
  }
  if (region !== undefined && typeof region !== "string") throw new CatalogUsageError(fn, "options.region", "use a region name (a string) or leave it out");
  const failedIds = new Set<string>();
  if (failed !== undefined) {
    const allowed = "use a list (array or Set) of gateway ids, each a string";
    if (typeof failed !== "object" || failed === null || typeof (failed as Iterable<unknown>)[Symbol.iterator] !== "function") {
      throw new CatalogUsageError(fn, "options.failed", allowed);
    }
    for (const id of failed as Iterable<unknown>) {
      if (typeof id !== "string") throw new CatalogUsageError(fn, "options.failed", allowed);
      failedIds.add(id);
    }
  }
  let previousId: string | undefined;
  if (typeof previous === "string") previousId = previous;
  else if (typeof previous === "object" && previous !== null && typeof (previous as { id?: unknown }).id === "string") previousId = (previous as { id: string }).id;
  else if (previous !== undefined) throw new CatalogUsageError(fn, "options.previous", "use the previous gateway's id, its catalog entry ({ id }), or leave it out");
  return { role: role as GatewayRole, ...(region === undefined ? {} : { region }), failed: failedIds, ...(previousId === undefined ? {} : { previousId }) };
}

function rank(fn: string, catalog: unknown, options: CheckedOptions): CatalogGateway[] {
  const gateways = (catalog as { gateways?: unknown } | null)?.gateways;
  if (!Array.isArray(gateways)) throw new CatalogUsageError(fn, "catalog", "give a verified catalog (the `catalog` of a successful verifyCatalog result)");
  const failed = options.failed;
  const inRegion = (g: CatalogGateway) => (options.region !== undefined && g.region === options.region ? 0 : 1);
  return (gateways as CatalogGateway[])
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
  const checked = checkOptions("selectFrontDoor", options);
  const ranked = rank("selectFrontDoor", catalog, checked);
  const previousId = checked.previousId;
  return (previousId !== undefined ? ranked.find((g) => g.id === previousId) : undefined) ?? ranked[0];
}

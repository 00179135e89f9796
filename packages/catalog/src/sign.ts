/**
 * Pure functions behind GatewayCatalog: build the document, canonicalize it, sign it.
 * The component only wires Inputs into these, so they can be tested and benchmarked
 * without the Pulumi runtime.
 */
import { createPrivateKey, createPublicKey, sign, type KeyObject } from "node:crypto";
import { failFor, isWholeNumber, type Fail, type GatewayEntry } from "@hearth/core";
import { canonicalize } from "./canonical.js";
import { catalogSchemaV1, checkGateway, checkGatewayOrder, checkKeyId, parseTimestamp, type CatalogDocument, type CatalogGateway, type SignedCatalog } from "./schema.js";

const durationPattern = /^([1-9][0-9]{0,5})([mhdw])$/;
const unitMs = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 } as const;

/** The longest `validFor` accepted: a retired signing key stays dangerous this long. */
export const maxValidForMs = 366 * unitMs.d;

export const validForRule = "use a whole number and one unit, m (minutes), h, d or w, from 1m up to 366d (for example \"30d\" or \"12h\")";

/** Parses `validFor` ("30d", "12h", "90m", "2w") to milliseconds; undefined when invalid or over 366 days. */
export function parseValidFor(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = durationPattern.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * unitMs[m[2] as keyof typeof unitMs];
  return ms <= maxValidForMs ? ms : undefined;
}

export const issuedAtRule = "use an ISO 8601 timestamp with a zone, after 1970, such as \"2026-11-23T00:00:00Z\" (a fixed value you change when the fleet changes, never the current time)";

/** What {@link catalogDocument} needs; every value plain. */
export interface CatalogDocumentInput {
  /** All gateways, in any order; only `active` ones (the default state) are published. */
  readonly gateways: readonly GatewayEntry[];
  readonly keyId: string;
  /** ISO 8601 with a zone; normalized to `Date.toISOString()` form. */
  readonly issuedAt: string;
  /** "30d", "12h", ... */
  readonly validFor: string;
  /** @default the Unix time of `issuedAt` in seconds */
  readonly version?: number;
}

const defaultFail = failFor("GatewayCatalog", "(pure)");

/**
 * Checks every entry (active or not) and returns the published ones: active only, known
 * fields only, ports sorted, sorted by id. Duplicate ids are an error even when one of
 * them is draining.
 */
export function publishedGateways(entries: readonly GatewayEntry[], fail: Fail = defaultFail): CatalogGateway[] {
  if (!Array.isArray(entries)) fail("gateways", entries, "use a list of GatewayNodes or gateway entries");
  const checkedEntries = entries.map((entry, i) => checkGateway(fail, `gateways[${i}]`, entry, false));
  const byId = new Map<string, number>();
  checkedEntries.forEach((entry, i) => {
    const first = byId.get(entry.id);
    if (first !== undefined) fail(`gateways[${i}].id`, entry.id, `each gateway id appears once; gateways[${first}] has it too`);
    byId.set(entry.id, i);
  });
  const gateways: CatalogGateway[] = checkedEntries
    .filter((entry) => entry.state === "active")
    .map(({ state: _state, ...published }) => published)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  checkGatewayOrder(fail, "gateways", gateways);
  return gateways;
}

/**
 * Builds the document a catalog signs: active gateways only, known fields only, sorted by
 * id, ports sorted; `issuedAt` normalized, `expiresAt = issuedAt + validFor`. Raises a
 * HearthValidationError (through `fail`) for any bad value, including duplicate ids.
 */
export function catalogDocument(input: CatalogDocumentInput, fail: Fail = defaultFail): CatalogDocument {
  const keyId = checkKeyId(fail, "keyId", input.keyId);
  const issuedMs = parseTimestamp(input.issuedAt);
  if (issuedMs === undefined || issuedMs < 0) fail("issuedAt", input.issuedAt, issuedAtRule);
  const validMs = parseValidFor(input.validFor);
  if (validMs === undefined) fail("validFor", input.validFor, validForRule);
  const version = input.version ?? Math.floor(issuedMs! / 1000);
  if (!isWholeNumber(version) || version < 0) fail("version", input.version, "use a whole number of at least 0");
  const gateways = publishedGateways(input.gateways, fail);

  return {
    schema: catalogSchemaV1,
    version,
    keyId,
    issuedAt: new Date(issuedMs!).toISOString(),
    expiresAt: new Date(issuedMs! + validMs!).toISOString(),
    gateways,
  };
}

/** The canonical JSON of {@link catalogDocument}: the exact string that gets signed. */
export function canonicalCatalog(input: CatalogDocumentInput, fail: Fail = defaultFail): string {
  return canonicalize(catalogDocument(input, fail));
}

export const signingKeyRule = "use an Ed25519 private key in PEM form (openssl genpkey -algorithm ed25519), from stack config as a secret";

/**
 * Parses an Ed25519 private key. The key never reaches an error message: the reported
 * value is always "[secret]", and the parser's own error is not passed on.
 */
export function ed25519PrivateKey(pem: string | KeyObject, fail: Fail = defaultFail): KeyObject {
  let key: KeyObject | undefined;
  try {
    key = typeof pem === "string" ? createPrivateKey({ key: pem, format: "pem" }) : pem;
  } catch {
    key = undefined;
  }
  if (key === undefined || key.type !== "private" || key.asymmetricKeyType !== "ed25519") fail("signingKey", "[secret]", signingKeyRule);
  return key!;
}

/** The SPKI PEM public key of an Ed25519 private key: what clients put in their trusted keys. */
export function catalogPublicKey(privateKey: string | KeyObject, fail: Fail = defaultFail): string {
  return createPublicKey(ed25519PrivateKey(privateKey, fail)).export({ type: "spki", format: "pem" }).toString();
}

/**
 * Signs a canonical document string with Ed25519 and returns the envelope. The document
 * string is signed as is (its UTF-8 bytes); build it with {@link canonicalCatalog}.
 */
export function signCatalog(document: string, privateKey: string | KeyObject, keyId: string, fail: Fail = defaultFail): SignedCatalog {
  checkKeyId(fail, "keyId", keyId);
  const key = ed25519PrivateKey(privateKey, fail);
  const signature = sign(null, Buffer.from(document, "utf8"), key).toString("base64");
  return { document, keyId, signature };
}

/** The envelope as it travels: canonical JSON `{"document":"…","keyId":"…","signature":"…"}`. */
export function serializeSignedCatalog(signed: SignedCatalog): string {
  return canonicalize({ document: signed.document, keyId: signed.keyId, signature: signed.signature });
}

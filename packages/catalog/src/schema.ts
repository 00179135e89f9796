/**
 * The catalog wire format (v1) and the strict checks both sides share: the component uses
 * them to refuse bad input with a HearthValidationError, the client to refuse a bad
 * document as `malformed`. One set of rules, two reporters. Addresses and numbers follow
 * core's one parser (`@hearth/core/address`, `@hearth/core/numbers`): canonical notation only.
 *
 * No Pulumi here: clients load this file through `@hearth/catalog/client` and must not pull in
 * the Pulumi SDK, so the only value import from core is its Pulumi-free `@hearth/core/gateway`.
 */
import type { Fail } from "@hearth/core";
import { parseIp } from "@hearth/core/address";
import { cloudNames, gatewayRoles, gatewayStates, type GatewayEntry, type GatewayPort, type GatewayState } from "@hearth/core/gateway";
import { isWholeNumber } from "@hearth/core/numbers";

/** The `schema` tag every v1 catalog document carries. */
export const catalogSchemaV1 = "hearth-catalog/v1";

/** The words a catalog entry may use: core's gateway vocabulary. */
export const catalogRoles = gatewayRoles;
export const catalogProviders = cloudNames;
export const catalogStates = gatewayStates;

/**
 * One published gateway: a GatewayEntry without `state` (only active ones are published), its
 * ports sorted by protocol, then port.
 */
export type CatalogGateway = Omit<GatewayEntry, "state">;

/** The signed document. Its canonical JSON is what the signature covers. */
export interface CatalogDocument {
  readonly schema: typeof catalogSchemaV1;
  /** Whole number; by default the Unix time (seconds) of `issuedAt`, so it only grows. */
  readonly version: number;
  /** The id of the key that signed it; must equal the envelope's `keyId`. */
  readonly keyId: string;
  /** `Date.toISOString()` form: `2026-11-23T00:00:00.000Z`. */
  readonly issuedAt: string;
  readonly expiresAt: string;
  /** Active gateways only, sorted by id, ids unique. */
  readonly gateways: readonly CatalogGateway[];
}

/**
 * The envelope that travels (file, HTTP body, stack output): the document as the exact
 * string that was signed, the base64 Ed25519 signature over its UTF-8 bytes, and the key id.
 * Serialized as canonical JSON: `{"document":"…","keyId":"…","signature":"…"}`.
 */
export interface SignedCatalog {
  readonly document: string;
  readonly keyId: string;
  readonly signature: string;
}

const keyIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const idPattern = /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
const regionPattern = /^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$/;
// A WireGuard key is 32 bytes: 43 base64 characters (the last one carries 4 zero bits) and "=".
const wireguardKeyPattern = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

export function isKeyId(value: unknown): value is string {
  return typeof value === "string" && keyIdPattern.test(value);
}

export const keyIdRule = "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit (for example \"2026-11\")";

/** Checks a key id. */
export function checkKeyId(fail: Fail, field: string, value: unknown): string {
  if (!isKeyId(value)) fail(field, value, keyIdRule);
  return value as string;
}

const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

/**
 * Parses an ISO 8601 timestamp with an explicit zone (`2026-11-23T00:00:00Z`,
 * `2026-11-23T01:00+01:00`) to epoch milliseconds; undefined for anything else, including
 * dates that do not exist (`2026-02-30`), which `Date.parse` would quietly roll over.
 */
export function parseTimestamp(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = timestampPattern.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? "0"].map(Number) as [number, number, number, number, number, number];
  const millis = Number((m[7] ?? "").padEnd(3, "0"));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (new Date(Date.UTC(year, month - 1, day)).getUTCDate() !== day) return undefined;
  if (m[8] === "Z") return utc;
  const offsetHours = Number(m[10]);
  const offsetMinutes = Number(m[11]);
  if (offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (offsetHours * 60 + offsetMinutes) * 60_000;
  return m[9] === "+" ? utc - offset : utc + offset;
}

/** True for the exact `Date.toISOString()` form the document uses. */
export function isIsoInstant(text: unknown): text is string {
  if (typeof text !== "string") return false;
  const ms = parseTimestamp(text);
  return ms !== undefined && new Date(ms).toISOString() === text;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function checkExactKeys(fail: Fail, field: string, value: Record<string, unknown>, required: readonly string[], optional: readonly string[] = []): void {
  for (const key of required) {
    if (!Object.hasOwn(value, key)) fail(`${field}.${key}`, undefined, `a ${field} needs ${required.join(", ")}`);
  }
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      fail(`${field}.${key}`, value[key], `a ${field} has only ${[...required, ...optional].join(", ")}`);
    }
  }
}

function checkWord<T extends string>(fail: Fail, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    fail(field, value, `use one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value as T;
}

/** Sort order of ports inside an entry: protocol, then number. */
export function comparePorts(a: GatewayPort, b: GatewayPort): number {
  return a.protocol === b.protocol ? a.port - b.port : a.protocol < b.protocol ? -1 : 1;
}

/**
 * Checks one gateway entry and returns the published shape: known fields only, ports
 * sorted, `state` dropped. `strict` (the client) also refuses unknown fields and `state`,
 * and requires ports already sorted; the component accepts extra fields on its input
 * (a GatewayNode's entry may grow) and simply does not publish them.
 */
export function checkGateway(fail: Fail, field: string, value: unknown, strict: boolean): CatalogGateway & { readonly state: GatewayState } {
  if (!isPlainRecord(value)) fail(field, value, "a gateway entry is an object with id, role, provider, region, addresses, ports and wireguardPublicKey");
  const entry = value as Record<string, unknown>;
  const required = ["id", "role", "provider", "region", "addresses", "ports", "wireguardPublicKey"];
  if (strict) checkExactKeys(fail, field, entry, required);
  else for (const key of required) if (entry[key] === undefined) fail(`${field}.${key}`, undefined, `a gateway entry needs ${required.join(", ")}`);

  const id = entry.id;
  if (typeof id !== "string" || !idPattern.test(id)) fail(`${field}.id`, id, "use 1-63 lowercase letters, digits or dashes, starting and ending with a letter or digit (the GatewayNode's name)");
  const role = checkWord(fail, `${field}.role`, entry.role, catalogRoles);
  const provider = checkWord(fail, `${field}.provider`, entry.provider, catalogProviders);
  const region = entry.region;
  if (typeof region !== "string" || !regionPattern.test(region)) fail(`${field}.region`, region, "use the cloud's region slug: 1-32 lowercase letters, digits or dashes (for example \"fsn1\" or \"ams3\")");
  const state = strict || entry.state === undefined ? "active" : checkWord(fail, `${field}.state`, entry.state, catalogStates);

  const addressesValue = entry.addresses;
  if (!isPlainRecord(addressesValue)) fail(`${field}.addresses`, addressesValue, "use an object { ipv4?, ipv6? } with at least one address");
  const rawAddresses = addressesValue as Record<string, unknown>;
  if (strict) checkExactKeys(fail, `${field}.addresses`, rawAddresses, [], ["ipv4", "ipv6"]);
  const addresses: { ipv4?: string; ipv6?: string } = {};
  if (rawAddresses.ipv4 !== undefined) {
    if (parseIp(rawAddresses.ipv4)?.family !== "ipv4") fail(`${field}.addresses.ipv4`, rawAddresses.ipv4, "use an IPv4 address in canonical form such as 203.0.113.7 (four decimal parts, no leading zeros)");
    addresses.ipv4 = rawAddresses.ipv4 as string;
  }
  if (rawAddresses.ipv6 !== undefined) {
    if (parseIp(rawAddresses.ipv6)?.family !== "ipv6") fail(`${field}.addresses.ipv6`, rawAddresses.ipv6, "use an IPv6 address as RFC 5952 writes it, such as 2001:db8::7 (lowercase, compressed, no zone id)");
    addresses.ipv6 = rawAddresses.ipv6 as string;
  }
  if (addresses.ipv4 === undefined && addresses.ipv6 === undefined) fail(`${field}.addresses`, rawAddresses, "a published gateway needs an ipv4 or ipv6 address");

  if (!Array.isArray(entry.ports)) fail(`${field}.ports`, entry.ports, "use a list of { protocol: \"tcp\" | \"udp\", port } (it may be empty)");
  const ports = (entry.ports as unknown[]).map((p, i): GatewayPort => {
    const where = `${field}.ports[${i}]`;
    if (!isPlainRecord(p)) fail(where, p, "use { protocol: \"tcp\" | \"udp\", port }");
    const port = p as Record<string, unknown>;
    if (strict) checkExactKeys(fail, where, port, ["protocol", "port"]);
    const protocol = checkWord(fail, `${where}.protocol`, port.protocol, ["tcp", "udp"] as const);
    if (!isWholeNumber(port.port) || port.port < 1 || port.port > 65535) {
      fail(`${where}.port`, port.port, "use a whole number from 1 to 65535");
    }
    return { protocol, port: port.port as number };
  });
  const sorted = [...ports].sort(comparePorts);
  for (let i = 1; i < sorted.length; i++) {
    if (comparePorts(sorted[i - 1]!, sorted[i]!) === 0) fail(`${field}.ports`, sorted[i], "list each protocol/port once");
  }
  if (strict && sorted.some((p, i) => p !== ports[i])) fail(`${field}.ports`, ports, "ports are sorted by protocol, then port");

  const wireguardPublicKey = entry.wireguardPublicKey;
  if (typeof wireguardPublicKey !== "string" || !wireguardKeyPattern.test(wireguardPublicKey)) {
    fail(`${field}.wireguardPublicKey`, wireguardPublicKey, "use a WireGuard public key: 44 base64 characters ending in '='");
  }
  return { id: id as string, role, provider, region: region as string, addresses, ports: sorted, wireguardPublicKey: wireguardPublicKey as string, state };
}

/** Checks that gateways are sorted by id with no id twice (the component sorts; a document must already be). */
export function checkGatewayOrder(fail: Fail, field: string, gateways: readonly { readonly id: string }[]): void {
  for (let i = 1; i < gateways.length; i++) {
    const previous = gateways[i - 1]!.id;
    const current = gateways[i]!.id;
    if (previous === current) fail(`${field}[${i}].id`, current, "each gateway id appears once");
    if (previous > current) fail(`${field}[${i}].id`, current, "gateways are sorted by id");
  }
}

/** Checks a parsed v1 document strictly (exact keys, canonical instants, sorted gateways). */
export function checkDocument(fail: Fail, value: unknown): CatalogDocument {
  if (!isPlainRecord(value)) fail("document", value, "a catalog document is a JSON object");
  const doc = value as Record<string, unknown>;
  checkExactKeys(fail, "document", doc, ["schema", "version", "keyId", "issuedAt", "expiresAt", "gateways"]);
  if (doc.schema !== catalogSchemaV1) fail("document.schema", doc.schema, `this client reads ${JSON.stringify(catalogSchemaV1)}`);
  if (!isWholeNumber(doc.version) || doc.version < 0) fail("document.version", doc.version, "a whole number of at least 0");
  checkKeyId(fail, "document.keyId", doc.keyId);
  if (!isIsoInstant(doc.issuedAt)) fail("document.issuedAt", doc.issuedAt, "an instant like 2026-11-23T00:00:00.000Z");
  if (!isIsoInstant(doc.expiresAt)) fail("document.expiresAt", doc.expiresAt, "an instant like 2026-12-23T00:00:00.000Z");
  if (Date.parse(doc.expiresAt as string) <= Date.parse(doc.issuedAt as string)) fail("document.expiresAt", doc.expiresAt, "expiresAt comes after issuedAt");
  if (!Array.isArray(doc.gateways)) fail("document.gateways", doc.gateways, "a list of gateways");
  const gateways = (doc.gateways as unknown[]).map((g, i) => {
    const { state: _state, ...published } = checkGateway(fail, `document.gateways[${i}]`, g, true);
    return published;
  });
  checkGatewayOrder(fail, "document.gateways", gateways);
  return {
    schema: catalogSchemaV1,
    version: doc.version as number,
    keyId: doc.keyId as string,
    issuedAt: doc.issuedAt as string,
    expiresAt: doc.expiresAt as string,
    gateways,
  };
}

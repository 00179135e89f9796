import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  checkObject,
  failFor,
  isWholeNumber,
  type CloudName,
  type GatewayEntry,
  type GatewayPort,
  type GatewayRole,
  type GatewayState,
} from "@hearth/core";
import { checked, isPlain } from "@hearth/kit";
import { canonicalize } from "./canonical.js";
import { checkGateway, checkKeyId, parseTimestamp } from "./schema.js";
import { catalogDocument, catalogPublicKey, publishedGateways, ed25519PrivateKey, issuedAtRule, parseValidFor, serializeSignedCatalog, signCatalog, validForRule } from "./sign.js";

/** A gateway entry whose fields may themselves be Outputs (a server's IP, a node's key). */
export interface GatewayEntryInput {
  readonly id: pulumi.Input<string>;
  readonly role: pulumi.Input<GatewayRole>;
  readonly provider: pulumi.Input<CloudName>;
  readonly region: pulumi.Input<string>;
  readonly addresses: pulumi.Input<{ readonly ipv4?: pulumi.Input<string>; readonly ipv6?: pulumi.Input<string> }>;
  readonly ports: pulumi.Input<readonly pulumi.Input<GatewayPort>[]>;
  readonly wireguardPublicKey: pulumi.Input<string>;
  /** @default "active" */
  readonly state?: pulumi.Input<GatewayState>;
}

/** Anything with a `catalogEntry`, such as a `GatewayNode` from @hearth/gateway. */
export interface CatalogEntrySource {
  readonly catalogEntry: pulumi.Input<GatewayEntry>;
}

/** One item of `gateways`: a GatewayNode (or anything with `catalogEntry`) or an entry. */
export type CatalogGatewayInput = CatalogEntrySource | pulumi.Input<GatewayEntryInput>;

export interface GatewayCatalogArgs {
  /**
   * The fleet, in any order: GatewayNodes and/or plain entries. Only `active` ones are
   * published; ids must be unique across the list (draining ones included).
   */
  readonly gateways: readonly CatalogGatewayInput[];
  /** Ed25519 private key, PEM (PKCS#8). Wrapped in `pulumi.secret`; never in an output or error. */
  readonly signingKey: pulumi.Input<string>;
  /** Id of the signing key, as clients know it (`"2026-11"`); 1-64 of [A-Za-z0-9._-]. */
  readonly keyId: pulumi.Input<string>;
  /**
   * When this catalog was issued: an ISO 8601 timestamp with a zone, fixed in the program or
   * config and changed when the fleet changes (never `new Date()`, or every preview shows a diff).
   */
  readonly issuedAt: pulumi.Input<string>;
  /** How long clients accept it: `"30d"`, `"12h"`, `"90m"`, `"2w"`; at most 366 days. `expiresAt = issuedAt + validFor`. */
  readonly validFor: pulumi.Input<string>;
  /**
   * Catalog version, a whole number clients may use to refuse rollbacks.
   * @default the Unix time of `issuedAt` in seconds, so it grows whenever `issuedAt` does
   */
  readonly version?: pulumi.Input<number>;
  /**
   * Also write the signed envelope (with a trailing newline) to this file on `pulumi up`.
   * Skipped during preview; rewritten only when the content changed; not tracked in state
   * and not deleted on destroy.
   * @default no file
   */
  readonly outputPath?: string;
}

const isEntrySource = (item: unknown): item is CatalogEntrySource =>
  typeof item === "object" && item !== null && !pulumi.Output.isInstance(item) && !(item instanceof Promise) && "catalogEntry" in item;

/** True when a value holds no Output or Promise anywhere inside, so it can be checked now. */
function isDeepPlain(value: unknown): boolean {
  if (!isPlain(value)) return false;
  if (Array.isArray(value)) return value.every(isDeepPlain);
  if (typeof value === "object" && value !== null) return Object.values(value).every(isDeepPlain);
  return true;
}

/** Writes `text` to `path` atomically, and only when it differs from what is there. */
function writeIfChanged(path: string, text: string): void {
  let current: string | undefined;
  try {
    current = readFileSync(path, "utf8");
  } catch {
    current = undefined;
  }
  if (current === text) return;
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, "utf8");
  renameSync(temporary, path);
}

/**
 * A signed, canonical catalog of the fleet's active gateways. Clients fetch `signed`
 * (or the file at `outputPath`) and check it with `verifyCatalog` from
 * "@hearth/catalog/client". The same fleet and inputs always give the same document and
 * signature (Ed25519 is deterministic), so an unchanged fleet shows no diff in preview.
 *
 * No child resources: the catalog is computed from Inputs and published as outputs.
 */
export class GatewayCatalog extends pulumi.ComponentResource {
  /** The canonical JSON document (the exact signed string). Public, not secret. */
  public readonly document: pulumi.Output<string>;
  /** Base64 Ed25519 signature over the document's UTF-8 bytes. */
  public readonly signature: pulumi.Output<string>;
  public readonly keyId: pulumi.Output<string>;
  public readonly version: pulumi.Output<number>;
  public readonly issuedAt: pulumi.Output<string>;
  public readonly expiresAt: pulumi.Output<string>;
  /** The envelope to publish: canonical JSON `{"document":"…","keyId":"…","signature":"…"}`. */
  public readonly signed: pulumi.Output<string>;
  /** SPKI PEM public key of the signing key: give it to clients as the trusted key for `keyId`. */
  public readonly publicKey: pulumi.Output<string>;
  /** The file written on `pulumi up`, or undefined without `outputPath`. */
  public readonly outputPath: pulumi.Output<string | undefined>;

  constructor(name: string, args: GatewayCatalogArgs, opts?: pulumi.ComponentResourceOptions) {
    // Plain values are checked now, before anything is registered; Outputs when they resolve
    // (same rules, same errors).
    const fail = failFor("GatewayCatalog", name);
    checkObject(fail, "args", args, "{ gateways, signingKey, keyId, issuedAt, validFor }");
    if (!Array.isArray(args.gateways)) fail("gateways", args.gateways, "use a list of GatewayNodes or gateway entries");
    const keyId = checked(args.keyId, (v) => checkKeyId(fail, "keyId", v));
    const issuedAt = checked(args.issuedAt, (v) => {
      const ms = parseTimestamp(v);
      if (ms === undefined || ms < 0) fail("issuedAt", v, issuedAtRule);
    });
    const validFor = checked(args.validFor, (v) => {
      if (parseValidFor(v) === undefined) fail("validFor", v, validForRule);
    });
    const version =
      args.version === undefined
        ? pulumi.output<number | undefined>(undefined)
        : checked(args.version, (v) => {
            if (!isWholeNumber(v) || v < 0) fail("version", v, "use a whole number of at least 0");
          });
    const checkSigningKey = (pem: string) => {
      if (typeof pem !== "string") fail("signingKey", "[secret]", "use an Ed25519 private key in PEM form, from stack config as a secret");
      ed25519PrivateKey(pem, fail);
    };
    if (isPlain(args.signingKey)) checkSigningKey(args.signingKey);
    const signingKey = pulumi.secret(args.signingKey).apply((pem) => {
      checkSigningKey(pem);
      return pem;
    });
    const outputPath = args.outputPath;
    if (outputPath !== undefined && (typeof outputPath !== "string" || outputPath.trim() === "")) fail("outputPath", outputPath, "use a file path");

    const sources = args.gateways.map((item) => (isEntrySource(item) ? item.catalogEntry : item));
    // Plain entries are checked now; a fleet of only plain entries also for duplicate ids.
    if (sources.every(isDeepPlain)) publishedGateways(sources as GatewayEntry[], fail);
    else sources.forEach((source, i) => isDeepPlain(source) && checkGateway(fail, `gateways[${i}]`, source, false));

    super("hearth:catalog:GatewayCatalog", name, {}, opts);

    const entries = pulumi.all(sources.map((source) => pulumi.output(source))) as pulumi.Output<GatewayEntry[]>;
    // Checked through core's `checked`, so a refused entry that holds a secret never echoes it.
    const inputs = checked(pulumi.all([entries, keyId, issuedAt, validFor, version]), ([gateways, kid, issued, valid, ver]) => {
      catalogDocument({ gateways, keyId: kid, issuedAt: issued, validFor: valid, version: ver }, fail);
    });
    const built = inputs.apply(([gateways, kid, issued, valid, ver]) =>
      catalogDocument({ gateways, keyId: kid, issuedAt: issued, validFor: valid, version: ver }, fail),
    );
    // The catalog is public by design; only known public fields reach it, so it is never secret.
    this.document = pulumi.unsecret(built.apply(canonicalize));
    this.keyId = keyId;
    this.version = pulumi.unsecret(built.apply((d) => d.version));
    this.issuedAt = pulumi.unsecret(built.apply((d) => d.issuedAt));
    this.expiresAt = pulumi.unsecret(built.apply((d) => d.expiresAt));

    // Signing reads the secret key, so the result is secret until the signature is taken out.
    const envelope = pulumi.all([this.document, signingKey, keyId]).apply(([doc, pem, kid]) => signCatalog(doc, pem, kid, fail));
    this.signature = pulumi.unsecret(envelope.apply((e) => e.signature));
    this.signed = pulumi.unsecret(envelope.apply(serializeSignedCatalog));
    this.publicKey = pulumi.unsecret(signingKey.apply((pem) => catalogPublicKey(pem, fail)));

    this.outputPath =
      outputPath === undefined
        ? pulumi.output<string | undefined>(undefined)
        : this.signed.apply((text) => {
            if (!pulumi.runtime.isDryRun()) writeIfChanged(outputPath, `${text}\n`);
            return outputPath as string | undefined;
          });

    this.registerOutputs({
      document: this.document,
      signature: this.signature,
      keyId: this.keyId,
      version: this.version,
      issuedAt: this.issuedAt,
      expiresAt: this.expiresAt,
      signed: this.signed,
      publicKey: this.publicKey,
      outputPath: this.outputPath,
    });
  }
}

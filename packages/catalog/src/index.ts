// The public API of @hearth/catalog, listed by name: every name here is covered by semver and
// recorded in etc/catalog.api.md (docs/api.md). "@hearth/catalog/client" (src/client.ts) is the
// Pulumi-free client subset, recorded in etc/catalog-client.api.md.

export {
  GatewayCatalog,
  type CatalogEntrySource,
  type CatalogGatewayInput,
  type GatewayCatalogArgs,
  type GatewayEntryInput,
} from "./gatewayCatalog.js";
export {
  canonicalCatalog,
  catalogDocument,
  catalogPublicKey,
  parseValidFor,
  publishedGateways,
  serializeSignedCatalog,
  signCatalog,
  type CatalogDocumentInput,
} from "./sign.js";
export {
  CatalogUsageError,
  canonicalize,
  catalogClockSkewMs,
  catalogSchemaV1,
  maxSignedCatalogBytes,
  parseTimestamp,
  rankFrontDoors,
  selectFrontDoor,
  verifyCatalog,
  type CatalogDocument,
  type CatalogError,
  type CatalogErrorCode,
  type CatalogGateway,
  type FrontDoorOptions,
  type SignedCatalog,
  type TrustedKeys,
  type VerifyResult,
} from "./client.js";

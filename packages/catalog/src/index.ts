export * from "./gatewayCatalog.js";
export * from "./sign.js";
export * from "./schema.js";
export * from "./client.js";

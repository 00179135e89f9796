// The pure parts of the Hearth policy pack: importing this never starts a policy pack.
// The pack itself is src/pack.ts (built to dist/pack.cjs, run by `pulumi preview --policy-pack`).
export * from "./types.js";
export * from "./tokens.js";
export * from "./unknown.js";
export * from "./sensitive.js";
export * from "./approvals.js";
export * from "./baseline.js";
export * from "./firewallRules.js";
export * from "./risk.js";
export * from "./settings.js";
export * from "./definition.js";
export * from "./policies/index.js";

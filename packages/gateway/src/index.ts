// The public API of @hearth/gateway, listed by name: every name here is covered by semver and
// recorded in etc/gateway.api.md (docs/api.md). Everything else in src/ is internal.

export { GatewayNode, type GatewayHome, type GatewayNodeArgs, type GatewayVolume } from "./gatewayNode.js";
export { deriveWireguardPrivateKey, isWireguardKey, minimumSeedLength, wireguardPublicKey } from "./wireguard.js";

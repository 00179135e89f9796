export * from "./gatewayNode.js";
export * from "./bootstrap.js";
export * from "./tunnel.js";
export * from "./wireguard.js";

/**
 * Shared words for gateway nodes and the catalog that lists them. This file imports nothing, and
 * is also published as `@hearth/core/gateway` so clients (the catalog verifier) can use these
 * words without loading the Pulumi SDK.
 */

export type GatewayRole = "ingress" | "egress";
export type GatewayState = "active" | "draining";
export type CloudName = "hcloud" | "digitalocean";

export const gatewayRoles: readonly GatewayRole[] = ["ingress", "egress"];
export const gatewayStates: readonly GatewayState[] = ["active", "draining"];
export const cloudNames: readonly CloudName[] = ["hcloud", "digitalocean"];

/** A port a gateway serves to the internet. */
export interface GatewayPort {
  readonly protocol: "tcp" | "udp";
  readonly port: number;
}

/**
 * One gateway as the catalog publishes it. `GatewayNode.catalogEntry` resolves to this, and
 * `GatewayCatalog` also takes plain entries for gateways it did not create.
 */
export interface GatewayEntry {
  /** Stable id, the GatewayNode's name (`ingress-fsn1`). */
  readonly id: string;
  readonly role: GatewayRole;
  readonly provider: CloudName;
  readonly region: string;
  readonly addresses: { readonly ipv4?: string; readonly ipv6?: string };
  readonly ports: readonly GatewayPort[];
  /** WireGuard public key (base64, 44 characters). */
  readonly wireguardPublicKey: string;
  /** Only `active` gateways are published. @default "active" */
  readonly state?: GatewayState;
}

import * as digitalocean from "@pulumi/digitalocean";
import * as hcloud from "@pulumi/hcloud";
import * as pulumi from "@pulumi/pulumi";
import { GatewayCatalog } from "@hearth/catalog";
import { HearthValidationError } from "@hearth/core";
import { environmentSchema, parseStackConfig, z } from "../lib/config";
import * as hearthDo from "@hearth/digitalocean";
import * as hearthHcloud from "@hearth/hcloud";
import { GatewayNode } from "@hearth/gateway";

// Stack config, checked up front so `pulumi preview` names the key to fix. The components
// check the details (regions per cloud, sizes, ports, CIDRs) with their own messages.
const port = z.object({ protocol: z.enum(["tcp", "udp"]), port: z.number().int().min(1).max(65535) });
const gateway = z.object({
  name: z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "use lowercase letters, digits and dashes"),
  role: z.enum(["ingress", "egress"]),
  cloud: z.enum(["hcloud", "digitalocean"]),
  region: z.string().min(1),
  size: z.string().min(1).optional(),
  tunnelAddress: z.string().min(1),
  ports: z.array(port).default([]),
  state: z.enum(["active", "draining"]).default("active"),
  // A volume the gateway keeps its state on (certificates, logs), outliving the VM: protected
  // from deletion unless deleteProtection is false.
  volume: z
    .object({
      sizeGb: z.number().int(),
      mountPath: z.string().min(1),
      deleteProtection: z.boolean().optional(),
    })
    .optional(),
});
const schema = z.object({
  environment: environmentSchema,
  // SSH is only opened to these networks; the gateways refuse 0.0.0.0/0 and ::/0.
  adminCidrs: z.array(z.string()),
  sshKeys: z.array(z.string()).default([]),
  home: z.object({
    wireguardPublicKey: z.string().length(44, "use home's WireGuard public key (44 characters of base64)"),
    tunnelCidr: z.string().min(1),
    endpoint: z.string().optional(),
    networks: z.array(z.string()).default([]),
  }),
  gateways: z
    .array(gateway)
    .min(1)
    .refine((list) => new Set(list.map((g) => g.name)).size === list.length, "gateway names must be unique")
    .refine((list) => new Set(list.map((g) => g.tunnelAddress)).size === list.length, "tunnel addresses must be unique"),
  catalog: z.object({
    keyId: z.string().min(1),
    issuedAt: z.string().min(1),
    validFor: z.string().default("30d"),
    outputPath: z.string().optional(),
  }),
});

const config = new pulumi.Config();
const cfg = parseStackConfig("stacks/cloud", schema, config.requireObject("cloud"));

// Explicit providers: credentials come from this stack's config only, never from whatever
// environment a CI runner happens to have. This stack needs no Proxmox credential, and a cloud
// no gateway uses needs no token at all (least privilege: nothing to leak, nothing to rotate).
const uses = (cloud: "hcloud" | "digitalocean") => cfg.gateways.some((g) => g.cloud === cloud);
const providers: pulumi.ProviderResource[] = [];
if (uses("hcloud")) {
  const hcloudToken = config.requireSecret("hcloudToken").apply((token) => {
    // The provider checks this at configure time, even in preview; say which key to fix.
    if (!/^[A-Za-z0-9]{64}$/.test(token)) {
      throw new HearthValidationError("stack config stacks/cloud", "hcloudToken", "[secret]", "a Hetzner Cloud API token is 64 letters and digits");
    }
    return token;
  });
  const endpoint = config.get("hcloudEndpoint");
  providers.push(new hcloud.Provider("hcloud", { token: hcloudToken, ...(endpoint ? { endpoint } : {}) }));
}
if (uses("digitalocean")) {
  const apiEndpoint = config.get("digitaloceanApiEndpoint");
  providers.push(
    new digitalocean.Provider("digitalocean", {
      token: config.requireSecret("digitaloceanToken"),
      ...(apiEndpoint ? { apiEndpoint } : {}),
    }),
  );
}

const wireguardSeed = config.requireSecret("wireguardSeed");
// Each gateway's volume, a Volume of its cloud in its region, named after it (`<gateway>-data`).
const volumes = cfg.gateways.map((g) => {
  if (!g.volume) return undefined;
  const name = `${g.name}-data`;
  const common = { sizeGb: g.volume.sizeGb, labels: { env: cfg.environment }, ...(g.volume.deleteProtection === undefined ? {} : { deleteProtection: g.volume.deleteProtection }) };
  return g.cloud === "hcloud"
    ? new hearthHcloud.Volume(name, { ...common, location: g.region as hearthHcloud.HcloudLocation }, { providers })
    : new hearthDo.Volume(name, { ...common, region: g.region as hearthDo.DoRegion }, { providers });
});
const doors = cfg.gateways.map(
  (g, i) =>
    new GatewayNode(
      g.name,
      {
        role: g.role,
        cloud: g.cloud,
        region: g.region,
        ...(g.size ? { size: g.size } : {}),
        ports: g.ports,
        home: cfg.home,
        adminCidrs: cfg.adminCidrs,
        sshKeys: cfg.sshKeys,
        tunnelAddress: g.tunnelAddress,
        state: g.state,
        wireguardSeed,
        labels: { env: cfg.environment },
        ...(g.volume ? { volumes: [{ volumeId: volumes[i]!.volumeId, mountPath: g.volume.mountPath }] } : {}),
      },
      { providers },
    ),
);

const catalog = new GatewayCatalog("front-doors", {
  gateways: doors,
  signingKey: config.requireSecret("catalogSigningKey"),
  keyId: cfg.catalog.keyId,
  issuedAt: cfg.catalog.issuedAt,
  validFor: cfg.catalog.validFor,
  ...(cfg.catalog.outputPath ? { outputPath: cfg.catalog.outputPath } : {}),
});

/** Stable public IPv4 per gateway name. */
export const publicIps = Object.fromEntries(cfg.gateways.map((g, i) => [g.name, doors[i]!.publicIp]));
/** WireGuard public key per gateway name, for home's peer config. */
export const wireguardPublicKeys = Object.fromEntries(cfg.gateways.map((g, i) => [g.name, doors[i]!.publicKey]));
/** The volume id per gateway that has one. */
export const volumeIds = Object.fromEntries(cfg.gateways.flatMap((g, i) => (volumes[i] ? [[g.name, volumes[i]!.volumeId]] : [])));
export const catalogDocument = catalog.document;
export const catalogSignature = catalog.signature;
export const catalogPublicKey = catalog.publicKey;
/** The signed envelope clients fetch and check with verifyCatalog (@hearth/catalog/client). */
export const catalogSigned = catalog.signed;

// A signed catalog of gateways this program did not create (plain entries). With
// @hearth/gateway, pass the GatewayNodes themselves: `gateways: [ingressFsn1, ...]`.
//
//   openssl genpkey -algorithm ed25519 -out catalog-2026-11.pem      # keep it out of Git
//   pulumi config set --secret catalogSigningKey < catalog-2026-11.pem
//   pulumi up        # writes ./catalog.json; `pulumi preview` stays empty until the fleet changes
import * as pulumi from "@pulumi/pulumi";
import { GatewayCatalog } from "@hearth/catalog";

const cfg = new pulumi.Config();

const catalog = new GatewayCatalog("front-doors", {
  gateways: [
    {
      id: "ingress-fsn1",
      role: "ingress",
      provider: "hcloud",
      region: "fsn1",
      addresses: { ipv4: "203.0.113.10", ipv6: "2001:db8::10" },
      ports: [{ protocol: "tcp", port: 443 }],
      wireguardPublicKey: "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=",
    },
    {
      id: "ingress-ams3",
      role: "ingress",
      provider: "digitalocean",
      region: "ams3",
      addresses: { ipv4: "198.51.100.20" },
      ports: [{ protocol: "tcp", port: 443 }],
      wireguardPublicKey: "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=",
    },
    {
      // Draining: still running, no longer published.
      id: "ingress-nbg1",
      role: "ingress",
      provider: "hcloud",
      region: "nbg1",
      addresses: { ipv4: "203.0.113.30" },
      ports: [{ protocol: "tcp", port: 443 }],
      wireguardPublicKey: "TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=",
      state: "draining",
    },
  ],
  signingKey: cfg.requireSecret("catalogSigningKey"),
  keyId: "2026-11",
  // Fixed, not the current time: bump it when the fleet changes.
  issuedAt: "2026-11-23T00:00:00Z",
  validFor: "30d",
  outputPath: "catalog.json",
});

export const document = catalog.document;
export const signed = catalog.signed;
export const keyId = catalog.keyId;
export const expiresAt = catalog.expiresAt;
// Give this to clients as the trusted key for "2026-11".
export const publicKey = catalog.publicKey;

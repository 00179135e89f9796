/**
 * Stack config that points the real stacks/home and stacks/cloud programs at a running
 * @hearth/sandbox: the same shape as their Pulumi.dev.yaml, with the sandbox's endpoints and
 * fake credentials. Shared by `npm run demo` (scripts/demo.ts) and test/e2e/stacks.e2e.ts.
 *
 * Keys are fully qualified (`proxmox:endpoint`, `hearth-home:home`, `hearth-cloud:hcloudToken`).
 * Write `config` to the stack's config file (values may be objects: structured config) and set
 * each of `secrets` with `pulumi config set --secret <key>` from stdin, never on a command line.
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { Sandbox } from "@hearth/sandbox";

export type SandboxStack = "home" | "cloud";

export interface SandboxStackConfig {
  /** Plain config: strings, or objects for structured config. */
  readonly config: Record<string, string | object>;
  /** Secret config: the sandbox's tokens, the WireGuard seed, the catalog signing key. */
  readonly secrets: Record<string, string>;
}

/** The image the home template "downloads": the sandbox answers download-url without fetching it. */
export const sandboxImageUrl = "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2";
/** The container template home's containers start from (the sandbox answers download-url without fetching it). */
export const sandboxContainerTemplateUrl = "http://download.proxmox.com/images/system/debian-12-standard_12.7-1_amd64.tar.zst";
const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxStackKeyOnlyAAAAAAAAAAAAAAAA ops@sandbox";
/** Home's WireGuard public key as in stacks/cloud/Pulumi.dev.yaml (no private key behind it is used). */
const homeWireguardPublicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";

/** Config for `stack` against `sandbox`. Secrets other than the sandbox's tokens are new on every call. */
export function sandboxStackConfig(sandbox: Sandbox, stack: SandboxStack): SandboxStackConfig {
  if (stack === "home") {
    return {
      config: {
        "proxmox:endpoint": sandbox.proxmox.endpoint,
        // The sandbox's certificate is self-signed.
        "proxmox:insecure": "true",
        "hearth-home:home": {
          environment: "sandbox",
          node: sandbox.proxmox.node,
          template: { imageUrl: sandboxImageUrl, vmId: 9000, storage: "local-lvm", diskSizeGb: 10 },
          network: { zone: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1", snat: true, dhcpRange: { start: "10.20.0.100", end: "10.20.0.200" } },
          adminCidrs: ["192.168.1.0/24"],
          sshKeys: [sshKey],
          // web-3 keeps the template's 10 GB disk (no diskGb).
          vms: [
            { name: "web-1", vmId: 2001, size: "small", diskGb: 20, ha: true },
            { name: "web-2", vmId: 2002, size: "small", diskGb: 20 },
            { name: "web-3", vmId: 2003, size: "small" },
          ],
          containerTemplate: { url: sandboxContainerTemplateUrl, fileName: "debian-12-standard_12.7-1_amd64.tar.zst", storage: "local" },
          containers: [{ name: "cache-1", vmId: 2101, cores: 1, memoryMb: 512, diskGb: 8, nesting: true }],
          // `local` is the sandbox's directory storage with the backup content type.
          backups: { storage: "local", schedule: "*-*-* 02:00", retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 } },
        },
      },
      secrets: { "proxmox:apiToken": sandbox.proxmox.apiToken },
    };
  }
  return {
    config: {
      "hearth-cloud:hcloudEndpoint": sandbox.hcloud.endpoint,
      "hearth-cloud:cloud": {
        environment: "sandbox",
        adminCidrs: ["198.51.100.0/24"],
        sshKeys: [sshKey],
        home: { wireguardPublicKey: homeWireguardPublicKey, tunnelCidr: "10.99.0.0/24", networks: ["192.168.1.0/24"] },
        // Hetzner only: no DigitalOcean provider plugin can be built here (docs/engine.md).
        // Two ingress gateways in different locations and one egress gateway.
        gateways: [
          {
            name: "ingress-fsn1",
            role: "ingress",
            cloud: "hcloud",
            region: "fsn1",
            size: "cx23",
            tunnelAddress: "10.99.0.11",
            ports: [{ protocol: "tcp", port: 80 }, { protocol: "tcp", port: 443 }],
            // A volume outlives the gateway's VM. Volumes are protected from deletion by default;
            // the demo and the tests destroy the whole stack at the end, so this one is not.
            volume: { sizeGb: 10, mountPath: "/var/lib/hearth", deleteProtection: false },
          },
          { name: "ingress-hel1", role: "ingress", cloud: "hcloud", region: "hel1", size: "cx23", tunnelAddress: "10.99.0.12", ports: [{ protocol: "tcp", port: 80 }, { protocol: "tcp", port: 443 }] },
          { name: "egress-nbg1", role: "egress", cloud: "hcloud", region: "nbg1", size: "cx23", tunnelAddress: "10.99.0.21" },
        ],
        // A fixed day, so repeated previews sign the same bytes (a catalog never reads the clock).
        catalog: { keyId: "sandbox-1", issuedAt: `${new Date().toISOString().slice(0, 10)}T00:00:00Z`, validFor: "30d" },
      },
    },
    secrets: {
      "hearth-cloud:hcloudToken": sandbox.hcloud.token,
      "hearth-cloud:wireguardSeed": `sandbox-wireguard-seed-${randomBytes(24).toString("hex")}`,
      "hearth-cloud:catalogSigningKey": generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    },
  };
}

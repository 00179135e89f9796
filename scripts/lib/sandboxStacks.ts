/**
 * Stack config that points stacks/home and stacks/cloud at a running @hearth/sandbox: the
 * same shape as their Pulumi.dev.yaml, with the sandbox's endpoints and fake credentials.
 * Used by `npm run demo` and the end-to-end tests.
 */
import { generateKeyPairSync } from "node:crypto";
import type { Sandbox } from "@hearth/sandbox";

export type SandboxStack = "home" | "cloud";

export interface StackConfig {
  /** Plain config, written to the stack's config file (values may be objects). */
  readonly config: Record<string, unknown>;
  /** Secret config, set with `pulumi config set --secret` (never on a command line). */
  readonly secrets: Record<string, string>;
}

const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a ops@sandbox";

export function sandboxStackConfig(sandbox: Sandbox, stack: SandboxStack): StackConfig {
  if (stack === "home") {
    return {
      config: {
        "proxmox:endpoint": sandbox.proxmox.endpoint,
        // The sandbox's certificate is self-signed; the policy pack allows this only in sandbox stacks.
        "proxmox:insecure": "true",
        "hearth-home:home": {
          environment: "sandbox",
          node: sandbox.proxmox.node,
          template: {
            imageUrl: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2",
            vmId: 9000,
            storage: "local-lvm",
            diskSizeGb: 10,
          },
          network: { zone: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1", snat: true, dhcpRange: { start: "10.20.0.100", end: "10.20.0.200" } },
          adminCidrs: ["192.168.1.0/24"],
          sshKeys: [sshKey],
          vms: ["web-1", "web-2", "web-3"].map((name, i) => ({ name, vmId: 2001 + i, size: "small", diskGb: 20 })),
          backup: { storage: "local", schedule: "*-*-* 02:00", retention: { keepDaily: 7, keepWeekly: 4, keepMonthly: 6 } },
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
        home: { wireguardPublicKey: "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=", tunnelCidr: "10.99.0.0/24", networks: ["192.168.1.0/24"] },
        // Hetzner only: no DigitalOcean provider plugin can be built here yet (docs/engine.md).
        gateways: [
          { name: "ingress-fsn1", role: "ingress", cloud: "hcloud", region: "fsn1", size: "cx22", tunnelAddress: "10.99.0.11", ports: [{ protocol: "tcp", port: 443 }] },
          { name: "ingress-hel1", role: "ingress", cloud: "hcloud", region: "hel1", size: "cx22", tunnelAddress: "10.99.0.12", ports: [{ protocol: "tcp", port: 443 }] },
          { name: "egress-nbg1", role: "egress", cloud: "hcloud", region: "nbg1", size: "cx22", tunnelAddress: "10.99.0.21" },
        ],
        // Fixed for the day (a catalog never takes the current time, so repeated runs sign the same bytes).
        catalog: { keyId: "sandbox-1", issuedAt: `${new Date().toISOString().slice(0, 10)}T00:00:00Z`, validFor: "30d" },
      },
    },
    secrets: {
      hcloudToken: sandbox.hcloud.token,
      wireguardSeed: `sandbox-seed-${sandbox.hcloud.token.slice(0, 24)}`,
      catalogSigningKey: generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    },
  };
}

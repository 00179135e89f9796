export { startSandbox, computeLeftovers } from "./server.js";
export type { Sandbox, SandboxOptions, SandboxSnapshot, Mutation, ProxmoxEndpoint, CloudEndpoint, ApiName } from "./server.js";
export { parseFaults } from "./faults.js";
export type { FaultOptions } from "./faults.js";
export type { ProxmoxTiming, SeedTemplate, ProxmoxApiToken, ProxmoxAclEntry } from "./proxmox.js";
export type { HcloudTiming } from "./hcloud/index.js";
export type { DigitalOceanTiming } from "./digitalocean/index.js";
export type { Credentials, UnknownCall, SandboxData } from "./state.js";

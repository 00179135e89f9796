/**
 * Writes src/proxmox/permissions.data.ts: the `permissions` entry of the Proxmox VE 9.1 API schema
 * (../shared/specs/pve-api-9.1.3.json, pve-docs apidata) for every endpoint the sandbox emulates.
 * Run from the repository root: `npx tsx packages/sandbox/scripts/pve-permissions.ts`.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { permissionTable } from "../src/proxmox/permissionTable.js";

const out = fileURLToPath(new URL("../src/proxmox/permissions.data.ts", import.meta.url));
writeFileSync(out, permissionTable().source);
console.log(`wrote ${out}`);

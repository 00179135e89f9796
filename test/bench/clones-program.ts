/**
 * The program of the clone benchmark (`npm run bench -- clones`) and of nothing else: CLONES_N
 * VMs cloned from template 9000 of the sandbox, all onto the storage `local-lvm`, as
 *
 * - `hearth`: VmFromTemplate with its defaults (parallel, `clonesPerStorage` bound);
 * - `serial`: VmFromTemplate with `clonesPerStorage: 1`, the serial chain that was the default
 *   until the clone queue was keyed by storage;
 * - `raw`: the same VmLegacy inputs written against the provider, no dependsOn: what a user writes.
 *
 * CLONES_PREFIX names the VMs (two stacks use two prefixes); CLONES_VMID_FROM/TO give Hearth's
 * kinds a `vmIdRange` (the two-stack runs); CLONES_BOUND sets `clonesPerStorage` of the `hearth`
 * kind (the bound sweep). Every VM's id is exported as `ids`.
 * Loaded through tsx's CJS hook (see engine.ts), so the packages are required, not imported.
 */
import type * as pulumi from "@pulumi/pulumi";
import { rawVmArgs, sshKey, template } from "./programs.js";

const kind = process.env.CLONES_KIND ?? "";
const n = Number(process.env.CLONES_N);
const prefix = process.env.CLONES_PREFIX ?? "vm";
const from = process.env.CLONES_VMID_FROM === undefined ? undefined : Number(process.env.CLONES_VMID_FROM);
const to = process.env.CLONES_VMID_TO === undefined ? undefined : Number(process.env.CLONES_VMID_TO);
// "unbounded" is clonesPerStorage 0 (no bound).
const bound = process.env.CLONES_BOUND === undefined ? undefined : process.env.CLONES_BOUND === "unbounded" ? 0 : Number(process.env.CLONES_BOUND);
if (!["hearth", "serial", "raw"].includes(kind) || !Number.isInteger(n) || n < 1) {
  throw new Error(`clones-program: set CLONES_KIND (hearth|serial|raw) and CLONES_N, got ${kind} ${process.env.CLONES_N}`);
}

const { getStack } = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
const stack = getStack();
const name = (i: number): string => `${prefix}-${String(i).padStart(2, "0")}`;

/** The stack output `ids`: every VM's id, in the program's order. */
export const ids: pulumi.Output<number>[] = [];
if (kind === "raw") {
  const proxmoxve = require("@muhlba91/pulumi-proxmoxve") as typeof import("@muhlba91/pulumi-proxmoxve");
  for (let i = 0; i < n; i++) {
    // The inputs VmFromTemplate sends for these args (see packages/proxmox/src/vmFromTemplate.ts).
    const vm = new proxmoxve.VmLegacy(name(i), rawVmArgs(name(i), stack), { ignoreChanges: ["disks[0].speed"] });
    ids.push(vm.vmId);
  }
} else {
  const { VmFromTemplate } = require("@hearth/proxmox") as typeof import("@hearth/proxmox");
  for (let i = 0; i < n; i++) {
    const vm = new VmFromTemplate(name(i), {
      node: "pve",
      template,
      cloudInit: { user: "ops", sshKeys: [sshKey] },
      networks: [{ networkId: "vmbr0" }],
      ...(kind === "serial" ? { clonesPerStorage: 1 } : bound !== undefined ? { clonesPerStorage: bound } : {}),
      ...(from !== undefined && to !== undefined ? { vmIdRange: { from, to } } : {}),
    });
    ids.push(vm.vmId);
  }
}

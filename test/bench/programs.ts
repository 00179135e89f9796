/**
 * The two programs the overhead benchmark compares. Both register the same provider
 * resources with the same inputs and the same dependsOn clone lanes:
 *
 * - `component`: N VmFromTemplate (cloud-init user + SSH key + DHCP), one FirewallGroup
 *   attached to every VM, one BackupJob for every guest, from the BUILT @hearth/proxmox.
 * - `raw`: the same VmLegacy / firewall.RulesLegacy / firewall.OptionsLegacy per VM (with the
 *   same dependsOn lanes, `componentClonesPerStorage` clones at once), one
 *   cluster.firewall.security.GroupLegacy and one backup.Job, written directly against
 *   @muhlba91/pulumi-proxmoxve, as a careful user would write them by hand.
 *
 * The raw inputs mirror what the component sends (checked by `overhead-worker.ts record`,
 * which prints both programs' registrations so they can be diffed).
 */
/**
 * `component` and `raw` are the benchmark's pair; `bare` (raw resources inside bare
 * ComponentResources) splits the difference into the Pulumi SDK's cost of a component layer
 * and Hearth's own code.
 */
import type { VmLegacyArgs } from "@muhlba91/pulumi-proxmoxve";

export type ProgramKind = "component" | "raw" | "bare";
export const programKinds: readonly ProgramKind[] = ["component", "raw", "bare"];

export const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthBenchmarkKeyHearthBenchmarkKey0000 bench@hearth";
/** The template both programs clone; its 10 GB boot disk is kept (VmFromTemplate emits it when `disks` is omitted). */
export const template = { vmId: 9000, node: "pve", diskSizeGb: 10 } as const;
export const vmName = (i: number): string => `vm-${String(i).padStart(4, "0")}`;
/** VmFromTemplate's default `clonesPerStorage` (defaultClonesPerStorage), written out so the raw worker never loads @hearth/*; clones.test.ts checks they agree. */
export const componentClonesPerStorage = 8;

/**
 * The VmLegacy inputs VmFromTemplate sends for the benchmarks' VMs (node "pve", the template
 * above, cloud-init user ops with `sshKey`, DHCP on vmbr0; see packages/proxmox/src/vmFromTemplate.ts),
 * written out once for every raw program. `stack` is the stack the program runs in: the component
 * tags its VMs with it (`hearth-stack-<stack>`).
 */
export function rawVmArgs(name: string, stack: string): VmLegacyArgs {
  return {
    nodeName: "pve",
    name,
    description: "Managed by Hearth",
    tags: ["hearth-component-vmfromtemplate", "hearth-managed-by-hearth", `hearth-stack-${stack}`],
    started: true,
    onBoot: true,
    clone: { vmId: template.vmId, nodeName: template.node, full: true, datastoreId: "local-lvm" },
    operatingSystem: { type: "l26" },
    cpu: { cores: 1, type: "x86-64-v2-AES" },
    memory: { dedicated: 2048 },
    scsiHardware: "virtio-scsi-single",
    disks: [{ interface: "scsi0", datastoreId: "local-lvm", size: template.diskSizeGb, discard: "on", iothread: true, ssd: true }],
    networkDevices: [{ bridge: "vmbr0", model: "virtio", firewall: true }],
    initialization: {
      datastoreId: "local-lvm",
      interface: "ide2",
      userAccount: { username: "ops", keys: [sshKey] },
      ipConfigs: [{ ipv4: { address: "dhcp" } }],
    },
    agent: { enabled: true, timeout: "2m", trim: true },
    serialDevices: [{ device: "socket" }],
    vga: { type: "serial0" },
  };
}

/** How many resources each program registers (custom and component), for the mocks to wait on. */
export function expectedResources(kind: ProgramKind, n: number): { custom: number; component: number } {
  const custom = 3 * n + 2; // per VM: VmLegacy, RulesLegacy, OptionsLegacy; plus GroupLegacy and backup.Job
  return { custom, component: kind === "raw" ? 0 : n + 2 };
}

/**
 * Loads one program. Each kind lives in its own module so a worker process loads only the
 * packages its program uses (the raw worker never loads @hearth/*).
 */
export async function loadProgram(kind: ProgramKind): Promise<(n: number) => void> {
  if (kind === "component") return (await import("./program-component.js")).componentProgram;
  const { rawProgram } = await import("./program-raw.js");
  return (n) => rawProgram(n, { parented: kind === "bare" });
}

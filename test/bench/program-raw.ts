/**
 * The raw side of the overhead benchmark: the component's provider resources, written by
 * hand (see programs.ts). With `parented`, every VM's three resources, the group and the
 * backup job sit in a bare ComponentResource that only calls registerOutputs({}): the Pulumi
 * SDK's own cost of a component layer, with none of Hearth's code.
 */
import * as proxmoxve from "@muhlba91/pulumi-proxmoxve";
import * as pulumi from "@pulumi/pulumi";
import { componentClonesPerStorage, rawVmArgs, vmName } from "./programs.js";

class Bare extends pulumi.ComponentResource {
  constructor(type: string, name: string) {
    super(`bench:bare:${type}`, name, {});
  }
  done(): void {
    this.registerOutputs({});
  }
}

export interface RawOptions {
  /** Wrap each VM (and the group and job) in a bare ComponentResource. @default false */
  readonly parented?: boolean;
  /**
   * The dependsOn lanes VmFromTemplate adds (clone k waits for clone k - lanes, all VMs being on
   * one storage), so both programs register the same edges.
   * @default VmFromTemplate's default clonesPerStorage
   */
  readonly lanes?: number;
}

export function rawProgram(n: number, { parented = false, lanes = componentClonesPerStorage }: RawOptions = {}): void {
  const wrap = (type: string, name: string) => (parented ? new Bare(type, name) : undefined);
  const done = (parent: Bare | undefined) => parent?.done();

  const groupParent = wrap("FirewallGroup", "web");
  const group = new proxmoxve.cluster.firewall.security.GroupLegacy(
    "web",
    {
      name: "web",
      comment: "Managed by Hearth",
      rules: [
        { type: "in", action: "ACCEPT", proto: "tcp", dport: "443", enabled: true },
        { type: "in", action: "ACCEPT", proto: "tcp", dport: "22", source: "192.168.1.0/24", enabled: true },
        { type: "in", action: "ACCEPT", proto: "icmp", enabled: true },
      ],
    },
    { parent: groupParent },
  );
  done(groupParent);

  const vms: proxmoxve.VmLegacy[] = [];
  for (let i = 0; i < n; i++) {
    const name = vmName(i);
    const parent = wrap("VmFromTemplate", name);
    const vm = new proxmoxve.VmLegacy(
      name,
      rawVmArgs(name, pulumi.getStack()),
      // At most `lanes` clones on the storage at once, as the component does.
      { parent, ...(i >= lanes ? { dependsOn: [vms[i - lanes]!] } : {}), ignoreChanges: ["disks[0].speed"] },
    );
    vms.push(vm);
    new proxmoxve.firewall.RulesLegacy(
      `${name}-fw`,
      { nodeName: "pve", vmId: vm.vmId, rules: [{ securityGroup: group.name, enabled: true, comment: "Managed by Hearth" }] },
      { parent },
    );
    new proxmoxve.firewall.OptionsLegacy(
      `${name}-fw-options`,
      { nodeName: "pve", vmId: vm.vmId, enabled: true, inputPolicy: "DROP", outputPolicy: "ACCEPT" },
      { parent },
    );
    done(parent);
  }

  const jobParent = wrap("BackupJob", "nightly");
  new proxmoxve.backup.Job(
    "nightly",
    {
      resourceId: "hearth_nightly",
      schedule: "*-*-* 02:00",
      storage: "backups",
      mode: "snapshot",
      compress: "zstd",
      enabled: true,
      pruneBackups: { "keep-daily": "7" },
      all: true,
    },
    { parent: jobParent },
  );
  done(jobParent);
}

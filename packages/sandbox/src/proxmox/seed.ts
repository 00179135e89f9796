import type { Store } from "../state.js";
import { deterministicMac, uuidFor } from "./props.js";

/** A template VM present at start (as if built by hand on the host). */
export interface SeedTemplate {
  vmid: number;
  name?: string;
  node?: string;
  /** Size of the template's boot disk in GB. @default 2 */
  diskGb?: number;
}

/** Create template VMs present at start (idempotent: existing ids are kept). */
export function seedTemplates(store: Store, templates: SeedTemplate[]): void {
  const pve = store.data.proxmox;
  for (const t of templates) {
    if (pve.vms[t.vmid]) continue;
    if (!pve.seededVmids.includes(t.vmid)) pve.seededVmids.push(t.vmid);
    const node = t.node ?? pve.nodes[0]!;
    if (!pve.nodes.includes(node)) pve.nodes.push(node);
    pve.vms[t.vmid] = {
      vmid: t.vmid,
      node,
      status: "stopped",
      firewall: { rules: [], options: {} },
      config: {
        name: t.name ?? `template-${t.vmid}`,
        template: 1,
        cores: 1,
        sockets: 1,
        memory: 1024,
        ostype: "l26",
        scsihw: "virtio-scsi-pci",
        scsi0: `local-lvm:base-${t.vmid}-disk-0,size=${t.diskGb ?? 2}G`,
        ide2: `local-lvm:vm-${t.vmid}-cloudinit,media=cdrom`,
        net0: `virtio=${deterministicMac(t.vmid, 0)},bridge=vmbr0`,
        boot: "order=scsi0",
        agent: "1",
        serial0: "socket",
        vga: "serial0",
        smbios1: `uuid=${uuidFor(t.vmid)}`,
        vmgenid: uuidFor(t.vmid + 0.5),
      },
    };
  }
  store.changed();
}

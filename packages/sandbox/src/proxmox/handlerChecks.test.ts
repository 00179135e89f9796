import { afterEach, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { call } from "../testClient.js";
import { HANDLER_CHECKS } from "./handlerChecks.js";
import type { ObservedCall } from "./permissions.js";

const look = { zoneOf: (vnet: string) => (vnet === "lab" ? "lab" : undefined) };

describe("in-handler permission checks (qemu-server API2/Qemu.pm, pve-container LXC.pm)", () => {
  it("VM create: VM.Allocate on the VM or its pool, each option's privilege, new disks' storages, tags on the VM itself", () => {
    const clauses = HANDLER_CHECKS["POST /nodes/{node}/qemu"]!({ node: "pve1", vmid: 100, pool: "web", memory: 2048, cores: 2, scsi0: "local-lvm:10", net0: "virtio,bridge=vmbr0", net1: "virtio,bridge=lab,tag=20", tags: "web", ipconfig0: "ip=dhcp" }, look);
    const text = clauses.map((c) => c.map((r) => `${r.privs.join(r.any ? "|" : ",")}@${r.path}`).join(" or "));
    expect(text).toEqual(
      expect.arrayContaining([
        "VM.Allocate@/vms/100 or VM.Allocate@/pool/web",
        "VM.Config.Memory@/vms/100 or VM.Config.Memory@/pool/web",
        "VM.Config.CPU@/vms/100 or VM.Config.CPU@/pool/web",
        "Datastore.AllocateSpace@/storage/local-lvm",
        "VM.Config.Network@/vms/100 or VM.Config.Network@/pool/web",
        "VM.Config.Cloudinit|VM.Config.Network@/vms/100 or VM.Config.Cloudinit|VM.Config.Network@/pool/web",
        // assert_tag_permissions asks check_vm_perm without the pool: the guest is not in it yet.
        "VM.Config.Options@/vms/100",
        // GuestHelpers.pm check_vnet_access: a plain bridge is in the zone localnetwork; a VLAN tag is a path of its own.
        "SDN.Use@/sdn/zones/localnetwork/vmbr0",
        "SDN.Use@/sdn/zones/lab/lab/20",
      ]),
    );
    // "only root can set '$opt' config": no alternative at all.
    expect(HANDLER_CHECKS["POST /nodes/{node}/qemu"]!({ vmid: 100, args: "-no-reboot" }, look)).toContainEqual([]);
  });

  it("VM update: options set and deleted, drives by kind", () => {
    const clauses = HANDLER_CHECKS["PUT /nodes/{node}/qemu/{vmid}/config"]!({ vmid: 100, ide2: "local-lvm:cloudinit", scsi1: "local-lvm:4", delete: "balloon" }, look);
    const text = clauses.map((c) => c.map((r) => `${r.privs.join(",")}@${r.path}`).join(" or "));
    expect(text).toEqual(["VM.Config.Memory@/vms/100", "VM.Config.Cloudinit@/vms/100", "VM.Config.CDROM@/vms/100", "VM.Config.Disk@/vms/100", "Datastore.AllocateSpace@/storage/local-lvm"]);
  });
});

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.stop();
  sb = undefined;
});

describe("a restricted token meets them, and observers see them", () => {
  it("refuses a VM create whose memory the token may not set, and reports each request with what it required", async () => {
    const calls: ObservedCall[] = [];
    const token = { id: "ci@pve!t", secret: "s3cr3t-token-for-this-test", privsep: true };
    const grant = (privs: string[]) => [{ path: "/vms/100", privs }, { path: "/storage/local-lvm", privs: ["Datastore.AllocateSpace"] }];
    sb = await startSandbox({ proxmox: { apiTokens: [{ ...token, acl: grant(["VM.Allocate", "VM.Config.CPU"]) }], observe: (c) => calls.push(c) } });
    const api = `${sb.proxmox.endpoint}api2/json/nodes/pve1/qemu`;
    const headers = { Authorization: `PVEAPIToken=${token.id}=${token.secret}` };
    const refused = await call(api, { method: "POST", headers, form: { vmid: 100, cores: 2, memory: 2048, scsi0: "local-lvm:4" } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ message: "Permission check failed (/vms/100, VM.Config.Memory)\n" });
    expect(sb.inspect().proxmox.vms["100"]).toBeUndefined();
    const allowed = await call(api, { method: "POST", headers, form: { vmid: 100, cores: 2, scsi0: "local-lvm:4" } });
    expect(allowed.status).toBe(200);
    const seen = calls.filter((c) => c.route === "/nodes/{node}/qemu");
    expect(seen.map((c) => [c.caller, c.status])).toEqual([["ci@pve!t", 403], ["ci@pve!t", 200]]);
    expect(seen[0]!.requires).toEqual([[]]); // the schema says user: 'all' (check inside)
    expect(seen[0]!.clauses).toContainEqual([{ path: "/vms/100", privs: ["VM.Config.Memory"], any: false }]);
  });
});

/**
 * Child names are pinned: every component of every provider package, built under Pulumi mocks
 * from a small representative input, registers exactly the resources (type token, name, parent)
 * written out below.
 *
 * Why: Pulumi identifies a resource by its URN, which is made of the type token, the name and
 * the chain of parent types. A Hearth release that renames a child, changes its type or moves
 * it to another parent makes `pulumi up` delete the user's resource and create a new one (a
 * VM, a network, a firewall) instead of leaving it alone. This test fails on any such change.
 *
 * When a rename is really needed: keep the old identity reachable with an `aliases` entry on the
 * child (`aliases: [{ name: "<old name>" }]`, or `{ type, parent }` for a moved child; see
 * docs/api.md), ship it with a major changeset and a note in docs/MIGRATING.md, then update the
 * list here by hand. Never regenerate these lists blindly: a diff here is a user-visible change.
 *
 * The fixtures are deliberately small (one `make` per component): when component args change,
 * update the args in `make` and keep the expected children unless the change really renames.
 * On a failure the message prints the children actually registered, in this file's format.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { rule } from "@hearth/core";
import { callPresets } from "@hearth/kit/testing";
import * as proxmox from "@hearth/proxmox";
import * as hcloud from "@hearth/hcloud";
import * as digitalocean from "@hearth/digitalocean";
import * as gateway from "@hearth/gateway";

/** One registered resource: [type token, name, parent as "type::name" ("" for the component itself)]. */
type Child = readonly [type: string, name: string, parent: string];

interface Fixture {
  /** Builds the component under test with `opts` (which carry the capturing transformation). */
  readonly make: (opts: pulumi.ComponentResourceOptions) => pulumi.ComponentResource;
  /** The component itself first, then every resource registered under it. */
  readonly children: readonly Child[];
}

const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthTestKeyOnlyForUnitTests ops@laptop";
/** A test seed (base64 of a sentence saying so), never a real secret. */
const seed = "dGVzdCBzZWVkIG9ubHkgLSBub3QgYSByZWFsIHNlY3JldCEh";

/** Provider tokens the mocks answer for. */
const pve = { vm: "proxmoxve:index/vmLegacy:VmLegacy", file: "proxmoxve:download/file:File" } as const;

const parentOf = (type: string, name: string) => `${type}::${name}`;

/**
 * The fixtures, per package and component. Names are unique across the file: the components
 * refuse two children with the same derived name in one program.
 */
const fixtures: Record<string, Fixture> = {
  "proxmox CloudImageTemplate": {
    make: (opts) =>
      new proxmox.CloudImageTemplate(
        "pin-debian",
        { node: "pve1", vmId: 9100, imageUrl: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-generic-amd64.qcow2" },
        opts,
      ),
    children: [
      ["hearth:proxmox:CloudImageTemplate", "pin-debian", ""],
      ["proxmoxve:download/file:File", "pin-debian-image", "hearth:proxmox:CloudImageTemplate::pin-debian"],
      ["proxmoxve:index/vmLegacy:VmLegacy", "pin-debian", "hearth:proxmox:CloudImageTemplate::pin-debian"],
    ],
  },
  "proxmox Image": {
    make: (opts) => new proxmox.Image("pin-iso", { node: "pve1", content: "iso", url: "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-13.1.0-amd64-netinst.iso" }, opts),
    children: [
      ["hearth:proxmox:Image", "pin-iso", ""],
      ["proxmoxve:download/file:File", "pin-iso", "hearth:proxmox:Image::pin-iso"],
    ],
  },
  "proxmox OciImage": {
    make: (opts) => new proxmox.OciImage("pin-alpine", { node: "pve1", reference: "docker.io/library/alpine:3.22" }, opts),
    children: [
      ["hearth:proxmox:OciImage", "pin-alpine", ""],
      ["proxmoxve:oci/image:Image", "pin-alpine", "hearth:proxmox:OciImage::pin-alpine"],
    ],
  },
  "proxmox VmFromIso": {
    make: (opts) => new proxmox.VmFromIso("pin-installer", { node: "pve1", vmId: 312, iso: "local:iso/debian-13.1.0-amd64-netinst.iso" }, opts),
    children: [
      ["hearth:proxmox:VmFromIso", "pin-installer", ""],
      ["proxmoxve:index/vmLegacy:VmLegacy", "pin-installer", "hearth:proxmox:VmFromIso::pin-installer"],
    ],
  },
  "proxmox VmFromTemplate": {
    make: (opts) => {
      const web = new proxmox.FirewallGroup("pin-web", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
      return new proxmox.VmFromTemplate(
        "pin-vm",
        {
          node: "pve1",
          vmId: 310,
          template: { vmId: 9000, diskSizeGb: 10 },
          disks: [{ sizeGb: 20 }, { sizeGb: 100, storage: "tank" }],
          networks: [{ networkId: "vmbr0" }],
          cloudInit: { user: "ops", sshKeys: [sshKey] },
          firewallGroups: [web.groupId],
          backups: { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7 } },
        },
        opts,
      );
    },
    children: [
      ["hearth:proxmox:VmFromTemplate", "pin-vm", ""],
      ["proxmoxve:index/vmLegacy:VmLegacy", "pin-vm", "hearth:proxmox:VmFromTemplate::pin-vm"],
      ["proxmoxve:firewall/rulesLegacy:RulesLegacy", "pin-vm-fw", "hearth:proxmox:VmFromTemplate::pin-vm"],
      ["proxmoxve:firewall/optionsLegacy:OptionsLegacy", "pin-vm-fw-options", "hearth:proxmox:VmFromTemplate::pin-vm"],
      ["proxmoxve:backup/job:Job", "pin-vm-backup", "hearth:proxmox:VmFromTemplate::pin-vm"],
    ],
  },
  "proxmox Container": {
    make: (opts) => {
      const cache = new proxmox.FirewallGroup("pin-cache", { rules: [rule.allowIn({ protocol: "tcp", ports: [6379] })] });
      return new proxmox.Container(
        "pin-ct",
        {
          node: "pve1",
          vmId: 311,
          template: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
          mountPoints: [{ path: "/srv/data", sizeGb: 10 }],
          sshKeys: [sshKey],
          firewallGroups: [cache.groupId],
          backups: { schedule: "*-*-* 03:00", storage: "backups", retention: { keepDaily: 7 } },
        },
        opts,
      );
    },
    children: [
      ["hearth:proxmox:Container", "pin-ct", ""],
      ["proxmoxve:index/containerLegacy:ContainerLegacy", "pin-ct", "hearth:proxmox:Container::pin-ct"],
      ["proxmoxve:firewall/rulesLegacy:RulesLegacy", "pin-ct-fw", "hearth:proxmox:Container::pin-ct"],
      ["proxmoxve:firewall/optionsLegacy:OptionsLegacy", "pin-ct-fw-options", "hearth:proxmox:Container::pin-ct"],
      ["proxmoxve:backup/job:Job", "pin-ct-backup", "hearth:proxmox:Container::pin-ct"],
    ],
  },
  "proxmox Volume": {
    make: (opts) => new proxmox.Volume("pin-data", { node: "pve1", sizeGb: 10, vmId: 912 }, opts),
    children: [
      ["hearth:proxmox:Volume", "pin-data", ""],
      ["proxmoxve:index/vmLegacy:VmLegacy", "pin-data", "hearth:proxmox:Volume::pin-data"],
    ],
  },
  "proxmox Network (bridge)": {
    make: (opts) => new proxmox.Network("pin-lan", { bridge: { node: "pve1", name: "vmbr7", ports: ["eno2"], cidr: "192.168.70.2/24" } }, opts),
    children: [
      ["hearth:proxmox:Network", "pin-lan", ""],
      ["proxmoxve:network/linux/bridge:Bridge", "pin-lan", "hearth:proxmox:Network::pin-lan"],
    ],
  },
  "proxmox Network (vlan)": {
    make: (opts) => new proxmox.Network("pin-iot", { vlan: { node: "pve1", interface: "eno1", tag: 31, bridge: "vmbr31" } }, opts),
    children: [
      ["hearth:proxmox:Network", "pin-iot", ""],
      ["proxmoxve:network/linux/vlan:Vlan", "pin-iot-vlan", "hearth:proxmox:Network::pin-iot"],
      ["proxmoxve:network/linux/bridge:Bridge", "pin-iot", "hearth:proxmox:Network::pin-iot"],
    ],
  },
  "proxmox Network (sdn)": {
    make: (opts) => new proxmox.Network("pin-lab", { sdn: { zone: "pinlab", cidr: "10.71.0.0/24", gateway: "10.71.0.1" } }, opts),
    children: [
      ["hearth:proxmox:Network", "pin-lab", ""],
      ["proxmoxve:sdn/zone/simple:Simple", "pin-lab-zone", "hearth:proxmox:Network::pin-lab"],
      ["proxmoxve:sdn/vnet:Vnet", "pin-lab-vnet", "hearth:proxmox:Network::pin-lab"],
      ["proxmoxve:sdn/subnet:Subnet", "pin-lab-subnet", "hearth:proxmox:Network::pin-lab"],
      ["proxmoxve:sdn/applier:Applier", "pin-lab-apply", "hearth:proxmox:Network::pin-lab"],
    ],
  },
  "proxmox FirewallGroup": {
    make: (opts) => new proxmox.FirewallGroup("pin-ssh", { rules: [rule.allowIn({ protocol: "tcp", ports: [22], from: ["192.168.1.0/24"] })] }, opts),
    children: [
      ["hearth:proxmox:FirewallGroup", "pin-ssh", ""],
      ["proxmoxve:cluster/firewall/security/groupLegacy:GroupLegacy", "pin-ssh", "hearth:proxmox:FirewallGroup::pin-ssh"],
    ],
  },
  // Was BackupPolicy (hearth:proxmox:BackupPolicy, an alias of BackupJob, so the job keeps its URN; issue 13).
  "proxmox BackupJob": {
    make: (opts) => new proxmox.BackupJob("pin-nightly", { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7 }, pool: "pins" }, opts),
    children: [
      ["hearth:proxmox:BackupJob", "pin-nightly", ""],
      ["proxmoxve:backup/job:Job", "pin-nightly", "hearth:proxmox:BackupJob::pin-nightly"],
    ],
  },
  "proxmox Storage": {
    make: (opts) => new proxmox.Storage("pin-pbs", { type: "pbs", pbs: { server: "pbs.lan", datastore: "main", username: "backup@pbs", password: "pin-password" } }, opts),
    children: [
      ["hearth:proxmox:Storage", "pin-pbs", ""],
      ["proxmoxve:storage/pbs:Pbs", "pin-pbs", "hearth:proxmox:Storage::pin-pbs"],
    ],
  },
  "proxmox HighAvailability": {
    make: (opts) => new proxmox.HighAvailability("pin-ha", { guestId: 2001, preferredNodes: [{ node: "pve1" }], keepTogetherWith: ["vm:2002"], keepApartFrom: ["vm:2003"] }, opts),
    children: [
      ["hearth:proxmox:HighAvailability", "pin-ha", ""],
      ["proxmoxve:index/haresource:Haresource", "pin-ha", "hearth:proxmox:HighAvailability::pin-ha"],
      ["proxmoxve:index/harule:Harule", "pin-ha-nodes", "hearth:proxmox:HighAvailability::pin-ha"],
      ["proxmoxve:index/harule:Harule", "pin-ha-together", "hearth:proxmox:HighAvailability::pin-ha"],
      ["proxmoxve:index/harule:Harule", "pin-ha-apart", "hearth:proxmox:HighAvailability::pin-ha"],
    ],
  },
  "proxmox Replication": {
    make: (opts) => new proxmox.Replication("pin-repl", { guestId: 2001, targetNode: "pve2" }, opts),
    children: [
      ["hearth:proxmox:Replication", "pin-repl", ""],
      ["proxmoxve:index/replication:Replication", "pin-repl", "hearth:proxmox:Replication::pin-repl"],
    ],
  },
  "proxmox Pool": {
    make: (opts) => new proxmox.Pool("pin-pool", { comment: "pinned" }, opts),
    children: [
      ["hearth:proxmox:Pool", "pin-pool", ""],
      ["proxmoxve:index/poolLegacy:PoolLegacy", "pin-pool", "hearth:proxmox:Pool::pin-pool"],
    ],
  },
  "proxmox AccessToken (readOnly)": {
    make: (opts) => new proxmox.AccessToken("pin-viewer", { purpose: "readOnly", userId: "pin-viewer@pve", tokenName: "view" }, opts),
    children: [
      ["hearth:proxmox:AccessToken", "pin-viewer", ""],
      ["proxmoxve:index/userLegacy:UserLegacy", "pin-viewer-user", "hearth:proxmox:AccessToken::pin-viewer"],
      ["proxmoxve:user/token:Token", "pin-viewer", "hearth:proxmox:AccessToken::pin-viewer"],
      ["proxmoxve:index/roleLegacy:RoleLegacy", "pin-viewer-cluster", "hearth:proxmox:AccessToken::pin-viewer"],
      ["proxmoxve:index/acl:Acl", "pin-viewer-cluster-token", "hearth:proxmox:AccessToken::pin-viewer"],
      ["proxmoxve:index/acl:Acl", "pin-viewer-cluster-user", "hearth:proxmox:AccessToken::pin-viewer"],
    ],
  },
  "hcloud Network": {
    make: (opts) => new hcloud.Network("pin-hnet", { cidr: "10.80.0.0/16", subnetCidr: "10.80.1.0/24" }, opts),
    children: [
      ["hearth:hcloud:Network", "pin-hnet", ""],
      ["hcloud:index/network:Network", "pin-hnet", "hearth:hcloud:Network::pin-hnet"],
      ["hcloud:index/networkSubnet:NetworkSubnet", "pin-hnet-subnet", "hearth:hcloud:Network::pin-hnet"],
    ],
  },
  "hcloud FirewallGroup": {
    make: (opts) => new hcloud.FirewallGroup("pin-hweb", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] }, opts),
    children: [
      ["hearth:hcloud:FirewallGroup", "pin-hweb", ""],
      ["hcloud:index/firewall:Firewall", "pin-hweb", "hearth:hcloud:FirewallGroup::pin-hweb"],
    ],
  },
  "hcloud VmFromTemplate": {
    // Hetzner ids are numbers (as strings here); these mocks' ids are not, so existing ids stand in for groupId/networkId.
    make: (opts) =>
      new hcloud.VmFromTemplate(
        "pin-hvm",
        { location: "fsn1", size: "small", sshKeys: [sshKey], cloudInit: { user: "ops", sshKeys: [sshKey] }, firewallGroups: ["4711"], networks: [{ networkId: "1234" }], backups: {} },
        opts,
      ),
    children: [
      ["hearth:hcloud:VmFromTemplate", "pin-hvm", ""],
      ["hcloud:index/sshKey:SshKey", "pin-hvm-ssh-0", "hearth:hcloud:VmFromTemplate::pin-hvm"],
      ["hcloud:index/server:Server", "pin-hvm", "hearth:hcloud:VmFromTemplate::pin-hvm"],
    ],
  },
  "hcloud PublicIp": {
    make: (opts) => new hcloud.PublicIp("pin-hip", { location: "fsn1" }, opts),
    children: [
      ["hearth:hcloud:PublicIp", "pin-hip", ""],
      ["hcloud:index/primaryIp:PrimaryIp", "pin-hip", "hearth:hcloud:PublicIp::pin-hip"],
    ],
  },
  "hcloud Volume": {
    make: (opts) => new hcloud.Volume("pin-hvol", { location: "fsn1", sizeGb: 10 }, opts),
    children: [
      ["hearth:hcloud:Volume", "pin-hvol", ""],
      ["hcloud:index/volume:Volume", "pin-hvol", "hearth:hcloud:Volume::pin-hvol"],
    ],
  },
  "hcloud VmFromTemplate with volumes": {
    make: (opts) => new hcloud.VmFromTemplate("pin-hvmv", { location: "fsn1", volumes: [{ volumeId: "4711", mountPath: "/srv" }, { volumeId: "4712" }] }, opts),
    children: [
      ["hearth:hcloud:VmFromTemplate", "pin-hvmv", ""],
      ["hcloud:index/server:Server", "pin-hvmv", "hearth:hcloud:VmFromTemplate::pin-hvmv"],
      ["hcloud:index/volumeAttachment:VolumeAttachment", "pin-hvmv-volume-0", "hearth:hcloud:VmFromTemplate::pin-hvmv"],
      ["hcloud:index/volumeAttachment:VolumeAttachment", "pin-hvmv-volume-1", "hearth:hcloud:VmFromTemplate::pin-hvmv"],
    ],
  },
  "hcloud Snapshot": {
    make: (opts) => new hcloud.Snapshot("pin-hsnap", { instanceId: "4242" }, opts),
    children: [
      ["hearth:hcloud:Snapshot", "pin-hsnap", ""],
      ["hcloud:index/snapshot:Snapshot", "pin-hsnap", "hearth:hcloud:Snapshot::pin-hsnap"],
    ],
  },
  "digitalocean Network": {
    make: (opts) => new digitalocean.Network("pin-dnet", { region: "ams3", cidr: "10.90.0.0/20" }, opts),
    children: [
      ["hearth:digitalocean:Network", "pin-dnet", ""],
      ["digitalocean:index/vpc:Vpc", "pin-dnet", "hearth:digitalocean:Network::pin-dnet"],
    ],
  },
  "digitalocean FirewallGroup": {
    make: (opts) => new digitalocean.FirewallGroup("pin-dweb", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] }, opts),
    children: [
      ["hearth:digitalocean:FirewallGroup", "pin-dweb", ""],
      ["digitalocean:index/tag:Tag", "pin-dweb-tag", "hearth:digitalocean:FirewallGroup::pin-dweb"],
      ["digitalocean:index/firewall:Firewall", "pin-dweb", "hearth:digitalocean:FirewallGroup::pin-dweb"],
    ],
  },
  "digitalocean VmFromTemplate": {
    make: (opts) => {
      const vpc = new digitalocean.Network("pin-dvm-net", { region: "ams3", cidr: "10.91.0.0/20" });
      const fw = new digitalocean.FirewallGroup("pin-dvm-fw", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
      return new digitalocean.VmFromTemplate(
        "pin-dvm",
        { region: "ams3", size: "small", sshKeys: [sshKey], cloudInit: { user: "ops", sshKeys: [sshKey] }, networks: [{ networkId: vpc.networkId }], firewallGroups: [fw.groupId], backups: {} },
        opts,
      );
    },
    children: [
      ["hearth:digitalocean:VmFromTemplate", "pin-dvm", ""],
      ["digitalocean:index/sshKey:SshKey", "pin-dvm-ssh-0", "hearth:digitalocean:VmFromTemplate::pin-dvm"],
      ["digitalocean:index/droplet:Droplet", "pin-dvm", "hearth:digitalocean:VmFromTemplate::pin-dvm"],
    ],
  },
  "digitalocean Volume": {
    make: (opts) => new digitalocean.Volume("pin-dvol", { region: "ams3", sizeGb: 10 }, opts),
    children: [
      ["hearth:digitalocean:Volume", "pin-dvol", ""],
      ["digitalocean:index/volume:Volume", "pin-dvol", "hearth:digitalocean:Volume::pin-dvol"],
    ],
  },
  "digitalocean VmFromTemplate with volumes": {
    make: (opts) => new digitalocean.VmFromTemplate("pin-dvmv", { region: "ams3", volumes: [{ volumeId: "506f78a4-e098-11e5-ad9f-000f53306ae1", mountPath: "/srv" }] }, opts),
    children: [
      ["hearth:digitalocean:VmFromTemplate", "pin-dvmv", ""],
      // A read of the volume (its name and region), then the attachment; same name, other kinds.
      ["digitalocean:index/volume:Volume", "pin-dvmv-volume-0", "hearth:digitalocean:VmFromTemplate::pin-dvmv"],
      ["digitalocean:index/droplet:Droplet", "pin-dvmv", "hearth:digitalocean:VmFromTemplate::pin-dvmv"],
      ["digitalocean:index/volumeAttachment:VolumeAttachment", "pin-dvmv-volume-0", "hearth:digitalocean:VmFromTemplate::pin-dvmv"],
    ],
  },
  "digitalocean VolumeSnapshot": {
    make: (opts) => new digitalocean.VolumeSnapshot("pin-dsnap", { volumeId: "506f78a4-e098-11e5-ad9f-000f53306ae1" }, opts),
    children: [
      ["hearth:digitalocean:VolumeSnapshot", "pin-dsnap", ""],
      ["digitalocean:index/volumeSnapshot:VolumeSnapshot", "pin-dsnap", "hearth:digitalocean:VolumeSnapshot::pin-dsnap"],
    ],
  },
  "digitalocean PublicIp": {
    make: (opts) => new digitalocean.PublicIp("pin-dip", { region: "ams3", vmId: "4242" }, opts),
    children: [
      ["hearth:digitalocean:PublicIp", "pin-dip", ""],
      ["digitalocean:index/reservedIp:ReservedIp", "pin-dip", "hearth:digitalocean:PublicIp::pin-dip"],
      ["digitalocean:index/reservedIpAssignment:ReservedIpAssignment", "pin-dip-assignment", "hearth:digitalocean:PublicIp::pin-dip"],
    ],
  },
  "gateway GatewayNode (hcloud ingress)": {
    make: (opts) =>
      new gateway.GatewayNode(
        "pin-gw-h",
        {
          role: "ingress",
          cloud: "hcloud",
          region: "fsn1",
          ports: [{ protocol: "tcp", port: 443 }],
          home: { tunnelCidr: "10.99.0.0/24", wireguardPublicKey: gateway.wireguardPublicKey(gateway.deriveWireguardPrivateKey(seed, "home")) },
          adminCidrs: ["198.51.100.0/24"],
          tunnelAddress: "10.99.0.11",
          wireguardSeed: pulumi.secret(seed),
        },
        opts,
      ),
    children: [
      ["hearth:gateway:GatewayNode", "pin-gw-h", ""],
      // A VM with a role: the cloud components, whose resources were the gateway's own children
      // before and carry aliases to those URNs (parent: the gateway; packages/gateway/src/upgrade.test.ts).
      ["hearth:hcloud:PublicIp", "pin-gw-h-ipv4", "hearth:gateway:GatewayNode::pin-gw-h"],
      ["hcloud:index/primaryIp:PrimaryIp", "pin-gw-h-ipv4", "hearth:hcloud:PublicIp::pin-gw-h-ipv4"],
      ["hearth:hcloud:FirewallGroup", "pin-gw-h-fw", "hearth:gateway:GatewayNode::pin-gw-h"],
      ["hcloud:index/firewall:Firewall", "pin-gw-h-fw", "hearth:hcloud:FirewallGroup::pin-gw-h-fw"],
      ["hearth:hcloud:VmFromTemplate", "pin-gw-h", "hearth:gateway:GatewayNode::pin-gw-h"],
      ["hcloud:index/server:Server", "pin-gw-h", "hearth:hcloud:VmFromTemplate::pin-gw-h"],
    ],
  },
  "gateway GatewayNode (digitalocean egress)": {
    make: (opts) =>
      new gateway.GatewayNode(
        "pin-gw-d",
        {
          role: "egress",
          cloud: "digitalocean",
          region: "ams3",
          home: { tunnelCidr: "10.98.0.0/24", wireguardPublicKey: gateway.wireguardPublicKey(gateway.deriveWireguardPrivateKey(seed, "home")), networks: ["192.168.10.0/24"] },
          adminCidrs: ["198.51.100.0/24"],
          tunnelAddress: "10.98.0.12",
          wireguardSeed: pulumi.secret(seed),
        },
        opts,
      ),
    children: [
      ["hearth:gateway:GatewayNode", "pin-gw-d", ""],
      ["hearth:digitalocean:FirewallGroup", "pin-gw-d-fw", "hearth:gateway:GatewayNode::pin-gw-d"],
      ["digitalocean:index/tag:Tag", "pin-gw-d-fw-tag", "hearth:digitalocean:FirewallGroup::pin-gw-d-fw"],
      ["digitalocean:index/firewall:Firewall", "pin-gw-d-fw", "hearth:digitalocean:FirewallGroup::pin-gw-d-fw"],
      ["hearth:digitalocean:VmFromTemplate", "pin-gw-d", "hearth:gateway:GatewayNode::pin-gw-d"],
      ["digitalocean:index/droplet:Droplet", "pin-gw-d", "hearth:digitalocean:VmFromTemplate::pin-gw-d"],
      ["hearth:digitalocean:PublicIp", "pin-gw-d-ipv4", "hearth:gateway:GatewayNode::pin-gw-d"],
      ["digitalocean:index/reservedIp:ReservedIp", "pin-gw-d-ipv4", "hearth:digitalocean:PublicIp::pin-gw-d-ipv4"],
      ["digitalocean:index/reservedIpAssignment:ReservedIpAssignment", "pin-gw-d-ipv4-assignment", "hearth:digitalocean:PublicIp::pin-gw-d-ipv4"],
    ],
  },
};

let nextId = 1000;

beforeAll(async () => {
  // Answers like the providers would where a component reads an output back (ids, addresses).
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state: Record<string, unknown> = { ...args.inputs };
        switch (args.type) {
          case pve.vm:
            state.vmId = args.inputs.vmId ?? nextId++;
            state.ipv4Addresses = [["127.0.0.1"], ["10.20.0.15"]];
            break;
          case pve.file:
            state.fileName = args.inputs.fileName ?? "image.qcow2";
            return { id: `${args.inputs.datastoreId}:${args.inputs.contentType}/${String(state.fileName)}`, state };
          case "hcloud:index/server:Server":
          case "digitalocean:index/droplet:Droplet":
            state.ipv4Address = "203.0.113.10";
            state.ipv6Address = "2001:db8::1";
            break;
          case "hcloud:index/primaryIp:PrimaryIp":
          case "digitalocean:index/reservedIp:ReservedIp":
            state.ipAddress = "198.51.100.7";
            break;
          // A read of a volume by id (a droplet's `volumes`): its name and region.
          case "digitalocean:index/volume:Volume":
            if (args.id) return { id: args.id, state: { name: "data", region: "ams3" } };
            break;
        }
        // Hetzner and DigitalOcean ids are numbers, and components check the ids they are given
        // (a GatewayNode hands its VM the firewall's and the primary IP's ids).
        if (args.type.startsWith("hcloud:") || args.type.startsWith("digitalocean:")) return { id: String(nextId++), state };
        return { id: `${args.name}-id-${nextId++}`, state };
      },
      call: (args) => callPresets[args.token]?.(args.inputs) ?? args.inputs,
    },
    "hearth",
    "test",
    false,
  );
});

/** Builds the fixture and returns what it registered, once no new registration comes in. */
async function registered(fixture: Fixture): Promise<Child[]> {
  const keys = new Map<pulumi.Resource, string>();
  const seen: { resource: pulumi.Resource; type: string; name: string; parent: pulumi.Resource | undefined }[] = [];
  const transformation: pulumi.ResourceTransformation = (args) => {
    keys.set(args.resource, parentOf(args.type, args.name));
    seen.push({ resource: args.resource, type: args.type, name: args.name, parent: args.opts.parent });
    return undefined;
  };
  fixture.make({ transformations: [transformation] });
  // Some children are registered inside `apply` (after an output resolved): wait until quiet.
  for (let quiet = 0, last = -1; quiet < 3; ) {
    await new Promise((resolve) => setTimeout(resolve, 30));
    quiet = seen.length === last ? quiet + 1 : 0;
    last = seen.length;
  }
  return seen.map((r) => [r.type, r.name, r.parent === undefined ? "" : (keys.get(r.parent) ?? "(outside the component)")] as const);
}

const sorted = (children: readonly Child[]) => [...children].sort((a, b) => a.join("\0").localeCompare(b.join("\0")));
const asSource = (children: readonly Child[]) => children.map((c) => `      ${JSON.stringify(c).replace(/","/g, '", "')},`).join("\n");

describe("child names are pinned (a rename replaces users' resources)", () => {
  it("has a fixture for every component class the provider packages export", () => {
    const packages = { proxmox, hcloud, digitalocean, gateway };
    const components = Object.entries(packages).flatMap(([pkg, exports]) =>
      Object.entries(exports)
        .filter(([, value]) => typeof value === "function" && value.prototype instanceof pulumi.ComponentResource)
        .map(([name]) => `${pkg} ${name}`),
    );
    expect(components.length).toBeGreaterThanOrEqual(12);
    const missing = components.filter((c) => !Object.keys(fixtures).some((k) => k === c || k.startsWith(`${c} (`)));
    expect(missing, "components without a fixture in test/childNames.test.ts").toEqual([]);
  });

  it.each(Object.entries(fixtures))("%s", async (component, fixture) => {
    const actual = await registered(fixture);
    expect(
      sorted(actual),
      `${component} registered other resources than pinned; if this is intended, add an \`aliases\` entry and a major changeset (see this file's header). Registered:\n${asSource(actual)}\n`,
    ).toEqual(sorted(fixture.children));
  });
});

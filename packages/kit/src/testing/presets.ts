import type { MockAnswers } from "./mocks.js";

/**
 * The provider resource types Hearth's Proxmox components create
 * (@muhlba91/pulumi-proxmoxve type tokens), for `recordedOf(proxmoxTypes.vm)`.
 */
export const proxmoxTypes = {
  vm: "proxmoxve:index/vmLegacy:VmLegacy",
  container: "proxmoxve:index/containerLegacy:ContainerLegacy",
  file: "proxmoxve:download/file:File",
  ociImage: "proxmoxve:oci/image:Image",
  group: "proxmoxve:cluster/firewall/security/groupLegacy:GroupLegacy",
  rules: "proxmoxve:firewall/rulesLegacy:RulesLegacy",
  options: "proxmoxve:firewall/optionsLegacy:OptionsLegacy",
  bridge: "proxmoxve:network/linux/bridge:Bridge",
  vlan: "proxmoxve:network/linux/vlan:Vlan",
  zoneSimple: "proxmoxve:sdn/zone/simple:Simple",
  zoneVlan: "proxmoxve:sdn/zone/vlan:Vlan",
  vnet: "proxmoxve:sdn/vnet:Vnet",
  subnet: "proxmoxve:sdn/subnet:Subnet",
  applier: "proxmoxve:sdn/applier:Applier",
  backupJob: "proxmoxve:backup/job:Job",
} as const;

/**
 * What the mocks answer for provider resources, per provider: the outputs a real provider
 * computes and Hearth's components read. Merge several with
 * `installMocks({ answers: [presets.hcloud, presets.digitalocean] })`.
 */
export const presets = {
  /**
   * Proxmox VE: a VM gets its requested id (or the next of a counter) and the guest agent's
   * addresses per interface (loopback first, as the agent reports it; one interface without
   * an address); a container its id and one address per card (`eth0`, `eth1`); a downloaded file or pulled OCI image gets the volume id `<storage>:<content>/<file>` and a size.
   */
  proxmox: {
    [proxmoxTypes.vm]: (args, n) => ({
      state: { vmId: args.inputs.vmId ?? n, ipv4Addresses: [["127.0.0.1"], ["10.20.0.15"], [], ["10.30.0.2"]] },
    }),
    // A container gets its requested id (or the next of a counter) and one address per card.
    [proxmoxTypes.container]: (args, n) => ({ state: { vmId: args.inputs.vmId ?? n, ipv4: { eth1: "10.30.0.2", eth0: "10.20.0.40" } } }),
    [proxmoxTypes.file]: (args) => {
      // Without fileName the provider names the file after the URL's last part (query-url-metadata).
      const fromUrl = typeof args.inputs.url === "string" ? decodeURIComponent(args.inputs.url.split("?")[0]!.split("/").pop() ?? "") : "";
      const fileName = args.inputs.fileName ?? (fromUrl || "image.qcow2");
      const id = `${args.inputs.datastoreId}:${args.inputs.contentType}/${fileName}`;
      return { id, state: { fileName, id, size: 1048576 } };
    },
    // An OCI pull: the provider's default name is the reference's last part, ':' as '_', plus `.tar`.
    [proxmoxTypes.ociImage]: (args) => {
      const fileName = args.inputs.fileName ?? `${String(args.inputs.reference).split("/").pop()!.replaceAll(":", "_")}.tar`;
      const id = `${args.inputs.datastoreId}:vztmpl/${fileName}`;
      return { id, state: { fileName, id, size: 4194304 } };
    },
  },
  /** Hetzner Cloud: a server gets public addresses, a primary IP its address. */
  hcloud: {
    "hcloud:index/server:Server": (_, n) => ({ state: { ipv4Address: `203.0.113.${(n + 1) % 250}`, ipv6Address: "2001:db8::1" } }),
    "hcloud:index/primaryIp:PrimaryIp": () => ({ state: { ipAddress: "198.51.100.7" } }),
  },
  /** DigitalOcean: a droplet gets public addresses, a reserved IP its address, a tag its name. */
  digitalocean: {
    "digitalocean:index/droplet:Droplet": (_, n) => ({ state: { ipv4Address: `203.0.113.${(n + 1) % 250}`, ipv6Address: "2001:db8::1" } }),
    "digitalocean:index/reservedIp:ReservedIp": () => ({ state: { ipAddress: "198.51.100.8" } }),
    "digitalocean:index/tag:Tag": (args) => ({ state: { name: args.inputs.name } }),
  },
} satisfies Record<string, MockAnswers>;

/**
 * What the mocks answer for provider function calls (invokes) when a test gives no `call`: the
 * fields Hearth's components read, as the provider computes them; any other call returns its inputs.
 */
export const callPresets: Readonly<Record<string, (inputs: Record<string, any>) => Record<string, unknown>>> = {
  // A volume read by id (hcloud VmFromTemplate `volumes`): its device path as Hetzner reports it
  // (`linux_device`, ../shared/specs/hcloud-openapi.json); no location, so any server's is accepted.
  "hcloud:index/getVolume:getVolume": (inputs) => ({ ...inputs, name: `volume-${String(inputs.id)}`, linuxDevice: `/dev/disk/by-id/scsi-0HC_Volume_${String(inputs.id)}` }),
};

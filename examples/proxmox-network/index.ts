import { Network } from "@hearth/proxmox";

// An internal bridge with no physical port: VMs on it only see each other (and the host).
const internal = new Network("internal", { bridge: { node: "pve1", name: "vmbr9", cidr: "10.9.0.1/24" } });

// VLAN 30 from the switch on eno1, as bridge vmbr30 for untagged VM NICs.
const iot = new Network("iot", { vlan: { node: "pve1", interface: "eno1", tag: 30, bridge: "vmbr30" } });

// An SDN simple zone with SNAT and DHCP, applied to every node of the cluster.
const lab = new Network("lab", {
  sdn: { zone: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1", snat: true, dhcpRange: { start: "10.20.0.100", end: "10.20.0.200" } },
});

// What VMs list to join each network: `networks: [{ networkId: lab.networkId }]`.
export const networkIds = { internal: internal.networkId, iot: iot.networkId, lab: lab.networkId };

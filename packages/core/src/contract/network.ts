/**
 * What every provider's `Network` reports. How a network is made really differs (a Linux
 * bridge, a VLAN or an SDN zone at home; a network with a subnet at Hetzner; a VPC at
 * DigitalOcean), so each provider's args are its own; what VMs need from a network is the same.
 */
export interface NetworkOutputs {
  /**
   * What a VM lists to join the network (`networks: [{ networkId: lan.networkId }]`): the
   * bridge or VNet name at home, the network id at Hetzner (resolving only once its subnet
   * exists), the VPC id at DigitalOcean.
   */
  readonly networkId: string;
  /** The IPv4 range VMs on the network get addresses from; undefined when the network has none (a plain bridge). */
  readonly cidr: string | undefined;
}

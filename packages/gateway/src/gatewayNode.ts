import * as pulumi from "@pulumi/pulumi";
import {
  checkCidr,
  checkInt,
  checkLabels,
  checkList,
  checkNoWorldOpenAdminPorts,
  coversWholeInternet,
  checkOneOf,
  checkSshKeys,
  checkHostname,
  cloudNames,
  failFor,
  gatewayRoles,
  gatewayStates,
  hearthLabels,
  labelKeys,
  normalizeRules,
  parseCidr,
  parseIp,
  renderCloudConfig,
  checkUserDataSize,
  rule,
  type CloudName,
  type Fail,
  type FirewallRule,
  type GatewayEntry,
  type GatewayPort,
  type GatewayRole,
  type GatewayState,
  validateVmVolumes,
} from "@hearth/core";
import { childName } from "@hearth/core/internal";
import { checked, claimUniqueName, composed, providerScope } from "@hearth/kit";
import * as hcloudParts from "@hearth/hcloud";
import * as doParts from "@hearth/digitalocean";
import { checkLocation, resolveServerType, toHcloudRules } from "@hearth/hcloud/internal";
import { checkRegion, firewallTagPrefix, resolveDropletSize, toDigitalOceanRules } from "@hearth/digitalocean/internal";
import { gatewayCloudConfig, type GatewayBootstrap } from "./bootstrap.js";
import { checkTunnelCidr, checkTunnelHost, defaultTunnelAddress, firstHost } from "./tunnel.js";
import {
  checkWireguardPrivateKey,
  checkWireguardPublicKey,
  checkWireguardSeed,
  deriveWireguardPrivateKey,
  wireguardPublicKey,
} from "./wireguard.js";

/** The home end of the tunnel. */
export interface GatewayHome {
  /** Home's WireGuard public key. */
  readonly wireguardPublicKey: pulumi.Input<string>;
  /** The tunnel's IPv4 range, /16 to /30, for example `10.99.0.0/24`. */
  readonly tunnelCidr: string;
  /** Home's address in the tunnel; ingress traffic is forwarded there. @default the first host of `tunnelCidr` */
  readonly address?: string;
  /**
   * Where the gateway reaches home, `host:port`. @default none: home dials the gateway's
   * stable public IP (the usual setup behind a home router)
   */
  readonly endpoint?: string;
  /** Home networks routed through the tunnel (and NATed by an egress gateway). @default [] */
  readonly networks?: readonly string[];
}

export interface GatewayNodeArgs {
  /** `ingress` (public front door forwarding ports home) or `egress` (exit point NATing home's traffic). */
  readonly role: GatewayRole;
  /** `hcloud` or `digitalocean`. */
  readonly cloud: CloudName;
  /** A Hetzner location (fsn1, nbg1, hel1, ash, hil, sin) or a DigitalOcean region (nyc1, ams3, fra1, ...). */
  readonly region: string;
  /** A server type or size slug for the cloud, or a core size name. @default "cx23" on hcloud, "s-1vcpu-1gb" on DigitalOcean */
  readonly size?: string;
  /** Image name or slug. @default "debian-12" on hcloud, "debian-12-x64" on DigitalOcean */
  readonly image?: string;
  /**
   * Ports served to the internet; an ingress gateway forwards each to the same port at home.
   * Required (at least one) for ingress; egress gateways serve none.
   * @default []
   */
  readonly ports?: readonly GatewayPort[];
  readonly home: GatewayHome;
  /** CIDRs allowed to SSH in (never 0.0.0.0/0 or ::/0). An empty list closes SSH. */
  readonly adminCidrs: readonly string[];
  /** OpenSSH public keys for the `hearth` admin account. @default [] */
  readonly sshKeys?: readonly string[];
  /** The gateway's tunnel address. @default a host of `home.tunnelCidr` picked by a hash of the name (set it explicitly in fleets) */
  readonly tunnelAddress?: string;
  /** WireGuard's UDP port, open to the internet. @default 51820 */
  readonly wireguardPort?: number;
  /** `draining` keeps the gateway running but out of the catalog. @default "active" */
  readonly state?: pulumi.Input<GatewayState>;
  /** The gateway's WireGuard private key (from `wg genkey`), kept secret. Give this or `wireguardSeed`. */
  readonly wireguardPrivateKey?: pulumi.Input<string>;
  /**
   * A fleet secret (at least 32 characters) from which the key is derived per gateway name
   * with HKDF-SHA256: stable across runs, different for each gateway. Give this or
   * `wireguardPrivateKey`.
   */
  readonly wireguardSeed?: pulumi.Input<string>;
  /** Extra labels (tags on DigitalOcean); Hearth's role/gateway/stack labels always win. @default {} */
  readonly labels?: Record<string, string>;
  /**
   * Volumes the gateway's VM attaches (each a `Volume`'s `volumeId` of the gateway's cloud, in
   * its region) and mounts at `mountPath` on first boot: handed as they are to the cloud's
   * `VmFromTemplate`, which adds the mounts to the gateway's bootstrap. Adding or removing a
   * mounted volume later replaces the VM (the volumes and the public IP stay). @default none
   */
  readonly volumes?: GatewayVolume[];
}

/** One volume a gateway attaches (the contract's VmVolumeAttachment, with a volume id that may come from a Volume). */
export interface GatewayVolume {
  /** A `Volume`'s `volumeId` output, or an existing volume's id. */
  readonly volumeId: pulumi.Input<string>;
  /** An absolute path in the guest to mount the volume at. @default not mounted (attached only) */
  readonly mountPath?: string;
}

const endpointPattern = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

function checkPorts(fail: Fail, role: GatewayRole, ports: readonly GatewayPort[] | undefined, wireguardPort: number): GatewayPort[] {
  if (ports !== undefined && !Array.isArray(ports)) fail("ports", ports, 'use a list such as [{ protocol: "tcp", port: 443 }]');
  const list = ports ?? [];
  if (role === "ingress" && list.length === 0) fail("ports", list, 'an ingress gateway serves at least one port, for example [{ protocol: "tcp", port: 443 }]');
  if (role === "egress" && list.length > 0) fail("ports", list, "an egress gateway serves no public ports (only WireGuard); remove ports or use role \"ingress\"");
  const seen = new Set<string>();
  return list.map((p, i) => {
    if (p === null || typeof p !== "object") fail(`ports[${i}]`, p, 'use { protocol: "tcp" | "udp", port }');
    const protocol = checkOneOf(fail, `ports[${i}].protocol`, p.protocol, ["tcp", "udp"] as const);
    const port = checkInt(fail, `ports[${i}].port`, p.port, 1, 65535);
    if (protocol === "tcp" && port === 22) fail(`ports[${i}]`, p, "SSH (tcp/22) is opened only to adminCidrs, never as a gateway port");
    if (protocol === "udp" && port === wireguardPort) fail(`ports[${i}]`, p, `udp/${wireguardPort} is the gateway's WireGuard port`);
    const key = `${protocol}/${port}`;
    if (seen.has(key)) fail(`ports[${i}]`, p, "list each protocol/port once");
    seen.add(key);
    return { protocol, port };
  });
}

function checkAdminCidrs(fail: Fail, cidrs: readonly string[]): string[] {
  if (!Array.isArray(cidrs)) fail("adminCidrs", cidrs, 'use a list of CIDRs such as ["198.51.100.0/24"] (or [] to close SSH)');
  const list = cidrs.map((c, i) => checkCidr(fail, `adminCidrs[${i}]`, c));
  // However it is split (0.0.0.0/1 + 128.0.0.0/1, ...), all of IPv4 or IPv6 is the whole internet.
  if (coversWholeInternet(list)) fail("adminCidrs", list, "SSH is never open to the whole internet (these ranges together cover all of IPv4 or IPv6): list the networks admins connect from");
  return list;
}

/** The gateway's WireGuard private key as a secret Output: given, or derived from the seed. */
function gatewayPrivateKey(
  fail: Fail,
  name: string,
  given: pulumi.Input<string> | undefined,
  seed: pulumi.Input<string> | undefined,
): pulumi.Output<string> {
  if (given !== undefined && seed !== undefined) {
    fail("wireguardPrivateKey", "[secret]", "give either wireguardPrivateKey or wireguardSeed, not both");
  }
  if (given !== undefined) return pulumi.secret(checked(given, (k) => checkWireguardPrivateKey(fail, "wireguardPrivateKey", k)));
  if (seed !== undefined) {
    return pulumi.secret(checked(seed, (s) => checkWireguardSeed(fail, "wireguardSeed", s)).apply((s) => deriveWireguardPrivateKey(s, name)));
  }
  return fail(
    "wireguardPrivateKey",
    undefined,
    "give wireguardPrivateKey (a secret from `wg genkey`) or wireguardSeed (a fleet secret of at least 32 characters, e.g. `openssl rand -base64 32`)",
  );
}

/** Sort order of ports in the catalog entry: protocol, then number. */
const comparePorts = (a: GatewayPort, b: GatewayPort) => a.protocol.localeCompare(b.protocol) || a.port - b.port;

/**
 * A public front door (ingress) or exit point (egress) for the home network on Hetzner Cloud
 * or DigitalOcean: a server bootstrapped with WireGuard back home (plus nginx or NAT), a
 * public IPv4 that outlives the server, and a firewall opening only the gateway's ports and
 * SSH from the admin networks. A gateway is a VM with a role: it is built from the cloud
 * package's own `PublicIp`, `FirewallGroup` and `VmFromTemplate`, whose resources carry the
 * gateway's labels (`hearth/component: GatewayNode`, `hearth/role`, `hearth/gateway`).
 *
 * Children on hcloud: `${name}-ipv4` (hcloud PublicIp: primary IP `${name}-ipv4`),
 * `${name}-fw` (hcloud FirewallGroup: firewall `${name}-fw`), `${name}` (hcloud
 * VmFromTemplate: server `${name}`).
 * Children on DigitalOcean: `${name}-fw` (digitalocean FirewallGroup: tag `${name}-fw-tag`,
 * firewall `${name}-fw`), `${name}` (digitalocean VmFromTemplate: droplet `${name}`),
 * `${name}-ipv4` (digitalocean PublicIp: reserved IP `${name}-ipv4`, assignment
 * `${name}-ipv4-assignment`).
 * Before the gateway built on these components the raw resources were its own children; they
 * carry aliases to those URNs, so an upgrade replaces nothing.
 */
export class GatewayNode extends pulumi.ComponentResource {
  public readonly role: GatewayRole;
  public readonly cloud: CloudName;
  public readonly region: string;
  /** The stable public IPv4 (hcloud primary IP, DigitalOcean reserved IP). */
  public readonly publicIp: pulumi.Output<string>;
  /** The gateway's WireGuard public key (plain). */
  public readonly publicKey: pulumi.Output<string>;
  /** The gateway's WireGuard private key (secret). */
  public readonly privateKey: pulumi.Output<string>;
  /** The gateway's address in the tunnel. */
  public readonly tunnelAddress: string;
  public readonly state: pulumi.Output<GatewayState>;
  /** The rendered cloud-config (secret: it holds the private key). */
  public readonly userData: pulumi.Output<string>;
  /** The labels on every cloud resource (tags on DigitalOcean). */
  public readonly labels: Record<string, string>;
  /** What GatewayCatalog publishes for this gateway. */
  public readonly catalogEntry: pulumi.Output<GatewayEntry>;

  constructor(name: string, args: GatewayNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    // Every plain value is checked before anything is registered; Outputs when they resolve.
    const fail = failFor("GatewayNode", name);
    if (args === null || typeof args !== "object") fail("args", args, "give role, cloud, region, home and adminCidrs");
    checkHostname(fail, "name", name);
    const role = checkOneOf(fail, "role", args.role, gatewayRoles);
    const cloud = checkOneOf(fail, "cloud", args.cloud, cloudNames);
    const region = cloud === "hcloud" ? checkLocation(fail, "region", args.region) : checkRegion(fail, "region", args.region);
    const size =
      cloud === "hcloud" ? resolveServerType(fail, "size", args.size ?? "cx23") : resolveDropletSize(fail, "size", args.size ?? "s-1vcpu-1gb");
    const image = args.image ?? (cloud === "hcloud" ? "debian-12" : "debian-12-x64");
    if (typeof image !== "string" || !/^[a-z0-9][a-z0-9._-]*$/.test(image)) fail("image", image, 'use an image name such as "debian-12"');
    const wireguardPort = checkInt(fail, "wireguardPort", args.wireguardPort ?? 51820, 1, 65535);
    const ports = checkPorts(fail, role, args.ports, wireguardPort);
    const adminCidrs = checkAdminCidrs(fail, args.adminCidrs);
    const sshKeys = [...checkSshKeys(fail, "sshKeys", args.sshKeys ?? [])];
    for (const p of validateVmVolumes(`GatewayNode "${name}"`, args.volumes)) fail(p.field, p.value, p.allowed);
    const volumes = args.volumes === undefined ? {} : { volumes: args.volumes };

    const home = args.home;
    if (home === null || typeof home !== "object" || Array.isArray(home)) fail("home", home, "give home { wireguardPublicKey, tunnelCidr }");
    const tunnelCidr = checkTunnelCidr(fail, "home.tunnelCidr", home.tunnelCidr);
    const tunnelPrefix = parseCidr(tunnelCidr)!.prefix;
    const homeAddress = home.address === undefined ? firstHost(tunnelCidr) : checkTunnelHost(fail, "home.address", home.address, tunnelCidr);
    const tunnelAddress = checkTunnelHost(fail, "tunnelAddress", args.tunnelAddress ?? defaultTunnelAddress(tunnelCidr, name), tunnelCidr, homeAddress);
    if (home.endpoint !== undefined) {
      const match = typeof home.endpoint === "string" ? endpointPattern.exec(home.endpoint) : null;
      const host = match?.[1] ?? "";
      // An address host is held to the core parser: canonical IPv6 in brackets, canonical IPv4
      // (a dotted-number host such as 010.0.0.1 would otherwise pass as a name).
      const hostOk = host.startsWith("[") ? parseIp(host.slice(1, -1))?.family === "ipv6" : /^[0-9.]+$/.test(host) ? parseIp(host)?.family === "ipv4" : true;
      if (!match || !hostOk || !/^[1-9][0-9]*$/.test(match[3]!) || Number(match[3]) > 65535) fail("home.endpoint", home.endpoint, 'use host:port such as "home.example.net:51820" or "[2001:db8::1]:51820"');
    }
    const homeNetworks = checkList(fail, "home.networks", home.networks, '["192.168.1.0/24"]').map((c, i) =>
      checkCidr(fail, `home.networks[${i}]`, c, { family: "ipv4", target: "the tunnel (IPv4) routes" }),
    );
    const homePublicKey = checked(home.wireguardPublicKey, (k) => checkWireguardPublicKey(fail, "home.wireguardPublicKey", k));
    const state = checked(args.state ?? "active", (s) => checkOneOf(fail, "state", s, gatewayStates));
    const privateKey = gatewayPrivateKey(fail, name, args.wireguardPrivateKey, args.wireguardSeed);

    const userLabels = checkLabels(fail, "labels", args.labels, cloud);
    const labels = hearthLabels("GatewayNode", {
      ...userLabels,
      [labelKeys.role]: role,
      [labelKeys.gateway]: name,
      [labelKeys.stack]: pulumi.getStack(),
    });

    const rules: FirewallRule[] = [
      ...ports.map((p) => rule.allowIn({ protocol: p.protocol, ports: [p.port], comment: `gateway ${p.protocol}/${p.port}` })),
      rule.allowIn({ protocol: "udp", ports: [wireguardPort], comment: "WireGuard" }),
      ...(adminCidrs.length ? [rule.allowIn({ protocol: "tcp", ports: [22], from: adminCidrs, comment: "SSH from admins" })] : []),
    ];
    const normalized = normalizeRules(fail, "ports", rules);
    // The one definition of world-open admin access (core), over all the gateway's rules together:
    // a gateway port or the WireGuard port on an admin port, on any protocol, is refused.
    checkNoWorldOpenAdminPorts(fail, "ports", normalized);
    // Checked here with the cloud's own translation, so a rule the cloud cannot express is
    // refused as the gateway's `ports` before anything is registered; FirewallGroup translates
    // the same rules again.
    if (cloud === "hcloud") toHcloudRules(fail, "ports", normalized);
    else toDigitalOceanRules(fail, "ports", normalized);
    // Names the provider wants unique, claimed for this gateway before anything is registered;
    // the components it builds on claim the same names for it (`owner`). Hetzner: server,
    // firewall and primary IP names are unique per project (../shared/specs/hcloud-openapi.json:
    // create_server_request, create_firewall_request and create_primary_ip_request `name`);
    // DigitalOcean: the tag that attaches droplets to the firewall.
    const owner = `GatewayNode "${name}"`;
    if (cloud === "hcloud") {
      const scope = providerScope(opts, "hcloud");
      claimUniqueName(fail, "name", "Hetzner Cloud server name", scope, name, owner);
      claimUniqueName(fail, "name", "Hetzner Cloud firewall name", scope, childName(name, "fw"), owner);
      claimUniqueName(fail, "name", "Hetzner Cloud primary IP name", scope, childName(name, "ipv4"), owner);
    } else {
      claimUniqueName(fail, "name", "DigitalOcean firewall tag", providerScope(opts, "digitalocean"), `${firewallTagPrefix}${childName(name, "fw")}`, owner);
    }
    // The provider(s) given to the gateway, handed on to the components (which scope names by them).
    const inherited: pulumi.ComponentResourceOptions = {
      ...(opts?.provider ? { provider: opts.provider } : {}),
      ...(opts?.providers ? { providers: opts.providers } : {}),
    };

    const bootstrap = (key: string, homeKey: string): GatewayBootstrap => ({
      hostname: name,
      role,
      privateKey: key,
      tunnelAddress,
      tunnelPrefix,
      listenPort: wireguardPort,
      home: { publicKey: homeKey, address: homeAddress, ...(home.endpoint ? { endpoint: home.endpoint } : {}), allowedIps: [tunnelCidr, ...homeNetworks] },
      ports,
      adminUser: "hearth",
      sshKeys,
    });
    // Measured now, with stand-ins of the keys' fixed length (44 characters), so user-data over
    // the cloud's limit is refused in the plan; measured again once the keys are known.
    const wireguardKeyStandIn = `${"A".repeat(43)}=`;
    checkUserDataSize(fail, "userData", renderCloudConfig(gatewayCloudConfig(bootstrap(wireguardKeyStandIn, wireguardKeyStandIn)), fail), cloud);
    super("hearth:gateway:GatewayNode", name, {}, opts);
    this.state = state;
    this.privateKey = privateKey;
    this.publicKey = pulumi.unsecret(privateKey.apply(wireguardPublicKey));
    this.labels = labels;
    this.tunnelAddress = tunnelAddress;

    this.userData = pulumi.secret(
      pulumi.all([privateKey, homePublicKey]).apply(([key, homeKey]) =>
        checkUserDataSize(fail, "userData", renderCloudConfig(gatewayCloudConfig(bootstrap(key, homeKey)), fail), cloud),
      ),
    );

    // The gateway is a VM with a role: it builds on the cloud's own components (PublicIp,
    // FirewallGroup, VmFromTemplate), so what they learn reaches gateways too. Their children
    // keep the names, labels and options they had when the gateway created them itself, plus an
    // alias to the URN they had then (parent: this gateway), so upgrading replaces nothing.
    const owned = { aliases: [{ parent: this }] };
    const compose = (children: Record<string, pulumi.CustomResourceOptions>): pulumi.ComponentResourceOptions =>
      composed({ parent: this, ...inherited }, { labels: this.labels, owner, children });
    const ipName = childName(name, "ipv4");
    const fwName = childName(name, "fw");
    // The server takes `userData` as a secret input; its output is kept secret too.
    const server = { ...owned, additionalSecretOutputs: ["userData"] };
    let publicIp: pulumi.Output<string>;
    if (cloud === "hcloud") {
      // A primary IP that outlives the server (hcloud PublicIp says why, and why it and the
      // server it is given to are replaced delete-first).
      const ip = new hcloudParts.PublicIp(ipName, { location: region as hcloudParts.HcloudLocation }, compose({ [ipName]: owned }));
      const firewall = new hcloudParts.FirewallGroup(fwName, { rules }, compose({ [fwName]: owned }));
      new hcloudParts.VmFromTemplate(
        name,
        { location: region as hcloudParts.HcloudLocation, serverType: size, image, firewallGroups: [firewall.groupId], userData: this.userData, publicIpv4: ip.ipId, ...volumes },
        compose({ [name]: server }),
      );
      publicIp = ip.address;
    } else {
      // The firewall applies to droplets carrying its tag (a new child, `${name}-fw-tag`). It is
      // updated after the droplet (dependsOn): on an upgrade from a gateway whose firewall named
      // the droplet by id, the droplet carries the tag before the firewall stops naming its id,
      // so the droplet is never without its firewall. The reserved IP is assigned by a separate
      // assignment, so a new droplet keeps the address.
      let droplet!: (vm: pulumi.Resource) => void;
      const vmCreated = new Promise<pulumi.Resource>((resolve) => (droplet = resolve));
      const firewall = new doParts.FirewallGroup(fwName, { rules }, compose({ [fwName]: { ...owned, dependsOn: [vmCreated] } }));
      const vm = new doParts.VmFromTemplate(
        name,
        { region: region as doParts.DoRegion, dropletSize: size, image, firewallGroups: [firewall.groupId], userData: this.userData, ipv6: true, ...volumes },
        compose({ [name]: server }),
      );
      droplet(vm);
      const ip = new doParts.PublicIp(ipName, { region: region as doParts.DoRegion, vmId: vm.instanceId }, compose({ [ipName]: owned, [childName(ipName, "assignment")]: owned }));
      publicIp = ip.address;
    }
    this.role = role;
    this.cloud = cloud;
    this.region = region;
    this.publicIp = publicIp;

    const published = [...ports, { protocol: "udp" as const, port: wireguardPort }].sort(comparePorts);
    this.catalogEntry = pulumi.all([this.publicIp, this.publicKey, this.state]).apply(
      ([ipv4, wireguardPublicKey, state]): GatewayEntry => ({
        id: name,
        role,
        provider: cloud,
        region,
        addresses: { ipv4 },
        ports: published,
        wireguardPublicKey,
        state,
      }),
    );
    this.registerOutputs({ publicIp: this.publicIp, publicKey: this.publicKey, state: this.state, catalogEntry: this.catalogEntry });
  }
}

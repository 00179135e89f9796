import { renderCloudConfig, type CloudConfig, type GatewayPort, type GatewayRole } from "@hearth/core";

/** Everything the first-boot script of a gateway needs, resolved. */
export interface GatewayBootstrap {
  readonly hostname: string;
  readonly role: GatewayRole;
  /** The gateway's WireGuard private key (secret: the rendered document is secret too). */
  readonly privateKey: string;
  /** The gateway's tunnel address and the tunnel's prefix length. */
  readonly tunnelAddress: string;
  readonly tunnelPrefix: number;
  readonly listenPort: number;
  readonly home: {
    readonly publicKey: string;
    /** Home's tunnel address: where ingress traffic goes. */
    readonly address: string;
    /** `host:port` when the gateway dials home; absent when home dials the gateway. */
    readonly endpoint?: string;
    /** Source ranges home may send through the tunnel (the tunnel plus home's networks). */
    readonly allowedIps: readonly string[];
  };
  /** Public ports; an ingress gateway forwards each to the same port at home. */
  readonly ports: readonly GatewayPort[];
  /** The admin account and its SSH keys. */
  readonly adminUser: string;
  readonly sshKeys: readonly string[];
}

export function wireguardConfig(b: GatewayBootstrap): string {
  return [
    "[Interface]",
    `Address = ${b.tunnelAddress}/${b.tunnelPrefix}`,
    `ListenPort = ${b.listenPort}`,
    `PrivateKey = ${b.privateKey}`,
    "",
    "[Peer]",
    "# home",
    `PublicKey = ${b.home.publicKey}`,
    `AllowedIPs = ${b.home.allowedIps.join(", ")}`,
    ...(b.home.endpoint ? [`Endpoint = ${b.home.endpoint}`] : []),
    "PersistentKeepalive = 25",
    "",
  ].join("\n");
}

/** nginx in stream (layer 4) mode: each public port forwarded to the same port at home. */
export function nginxStreamConfig(b: GatewayBootstrap): string {
  const servers = b.ports.map((p) => {
    const udp = p.protocol === "udp" ? " udp" : "";
    return [
      "  server {",
      `    listen ${p.port}${udp};`,
      `    listen [::]:${p.port}${udp};`,
      `    proxy_pass ${b.home.address}:${p.port};`,
      "  }",
    ].join("\n");
  });
  return [
    "user www-data;",
    "worker_processes auto;",
    "pid /run/nginx.pid;",
    "include /etc/nginx/modules-enabled/*.conf;",
    "events { worker_connections 1024; }",
    "stream {",
    ...servers,
    "}",
    "",
  ].join("\n");
}

/** nftables for an egress gateway: forward only from home's ranges and masquerade them. */
export function nftablesEgressConfig(b: GatewayBootstrap): string {
  const sources = `{ ${b.home.allowedIps.join(", ")} }`;
  return [
    "#!/usr/sbin/nft -f",
    "flush ruleset",
    "table inet hearth_filter {",
    "  chain forward {",
    "    type filter hook forward priority 0; policy drop;",
    "    ct state established,related accept",
    `    iifname "wg0" ip saddr ${sources} accept`,
    "  }",
    "}",
    "table ip hearth_nat {",
    "  chain postrouting {",
    "    type nat hook postrouting priority 100;",
    `    ip saddr ${sources} oifname != "wg0" masquerade`,
    "  }",
    "}",
    "",
  ].join("\n");
}

/**
 * The gateway's cloud-config: WireGuard for the tunnel home, plus nginx (ingress) or
 * forwarding and NAT (egress). Config that packages also ship (nginx.conf, nftables.conf) is
 * written under /etc/hearth and installed after the packages, so dpkg never sees a conflict.
 */
export function gatewayCloudConfig(b: GatewayBootstrap): CloudConfig {
  const ingress = b.role === "ingress";
  const meta = JSON.stringify({ id: b.hostname, role: b.role, ports: b.ports, tunnelAddress: b.tunnelAddress }, null, 2) + "\n";
  return {
    hostname: b.hostname,
    users: [{ name: b.adminUser, sshKeys: b.sshKeys }],
    packages: ingress ? ["wireguard-tools", "nftables", "nginx", "libnginx-mod-stream"] : ["wireguard-tools", "nftables"],
    writeFiles: [
      { path: "/etc/hearth/gateway.json", content: meta },
      { path: "/etc/wireguard/wg0.conf", content: wireguardConfig(b), permissions: "0600" },
      ...(ingress
        ? [{ path: "/etc/hearth/nginx.conf", content: nginxStreamConfig(b) }]
        : [
            { path: "/etc/sysctl.d/90-hearth-forward.conf", content: "net.ipv4.ip_forward = 1\n" },
            { path: "/etc/hearth/nftables.conf", content: nftablesEgressConfig(b), permissions: "0600" },
          ]),
    ],
    runcmd: [
      ["systemctl", "enable", "--now", "wg-quick@wg0"],
      ...(ingress
        ? [
            ["install", "-m", "0644", "/etc/hearth/nginx.conf", "/etc/nginx/nginx.conf"],
            ["systemctl", "enable", "nginx"],
            ["systemctl", "restart", "nginx"],
          ]
        : [
            ["sysctl", "--system"],
            ["install", "-m", "0600", "/etc/hearth/nftables.conf", "/etc/nftables.conf"],
            ["systemctl", "enable", "nftables"],
            ["systemctl", "restart", "nftables"],
          ]),
    ],
  };
}

/** The rendered `#cloud-config` document. */
export function renderGatewayBootstrap(b: GatewayBootstrap): string {
  return renderCloudConfig(gatewayCloudConfig(b));
}

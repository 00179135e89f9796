import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { gatewayCloudConfig, nftablesEgressConfig, nginxStreamConfig, renderGatewayBootstrap, wireguardConfig, type GatewayBootstrap } from "./bootstrap.js";

const base: GatewayBootstrap = {
  hostname: "ingress-fsn1",
  role: "ingress",
  privateKey: "cPrIvAtEkEyPlAcEhOlDeRfOrTeStSoNlY000000000=",
  tunnelAddress: "10.99.0.10",
  tunnelPrefix: 24,
  listenPort: 51820,
  home: { publicKey: "hOmEpUbLiCkEyPlAcEhOlDeRfOrTeStSoNlY0000000=", address: "10.99.0.1", allowedIps: ["10.99.0.0/24", "192.168.1.0/24"] },
  ports: [
    { protocol: "tcp", port: 443 },
    { protocol: "udp", port: 443 },
  ],
  adminUser: "hearth",
  sshKeys: [],
};

describe("gateway bootstrap", () => {
  it("configures WireGuard with the key, the address and home as the only peer", () => {
    const conf = wireguardConfig({ ...base, home: { ...base.home, endpoint: "home.example.net:51820" } });
    expect(conf).toContain("Address = 10.99.0.10/24\nListenPort = 51820\nPrivateKey = cPrIvAtEkEy");
    expect(conf).toContain("PublicKey = hOmEpUbLiCkEy");
    expect(conf).toContain("AllowedIPs = 10.99.0.0/24, 192.168.1.0/24");
    expect(conf).toContain("Endpoint = home.example.net:51820");
    expect(wireguardConfig(base)).not.toContain("Endpoint");
  });

  it("forwards each ingress port to the same port at home through nginx stream", () => {
    const conf = nginxStreamConfig(base);
    expect(conf).toContain("listen 443;\n    listen [::]:443;\n    proxy_pass 10.99.0.1:443;");
    expect(conf).toContain("listen 443 udp;\n    listen [::]:443 udp;\n    proxy_pass 10.99.0.1:443;");
    expect(conf).toMatch(/^user www-data;[\s\S]*stream \{/);
  });

  it("NATs only home's ranges on an egress gateway", () => {
    const conf = nftablesEgressConfig({ ...base, role: "egress", ports: [] });
    expect(conf).toContain('ip saddr { 10.99.0.0/24, 192.168.1.0/24 } oifname != "wg0" masquerade');
    expect(conf).toContain("policy drop;");
  });

  it("renders a cloud-config with packages, private files and commands per role", () => {
    const ingress = parse(renderGatewayBootstrap(base));
    expect(ingress.packages).toEqual(["wireguard-tools", "nftables", "nginx", "libnginx-mod-stream"]);
    const wg = ingress.write_files.find((f: { path: string }) => f.path === "/etc/wireguard/wg0.conf");
    expect(wg.permissions).toBe("0600");
    expect(ingress.runcmd).toContainEqual(["systemctl", "enable", "--now", "wg-quick@wg0"]);
    expect(ingress.runcmd).toContainEqual(["install", "-m", "0644", "/etc/hearth/nginx.conf", "/etc/nginx/nginx.conf"]);

    const egress = gatewayCloudConfig({ ...base, role: "egress", ports: [] });
    expect(egress.packages).toEqual(["wireguard-tools", "nftables"]);
    expect(egress.writeFiles?.map((f) => f.path)).toContain("/etc/sysctl.d/90-hearth-forward.conf");
    expect(egress.writeFiles?.find((f) => f.path === "/etc/sysctl.d/90-hearth-forward.conf")?.content).toBe("net.ipv4.ip_forward = 1\n");
    expect(egress.runcmd).toContainEqual(["systemctl", "restart", "nftables"]);
  });

  it("is deterministic", () => {
    expect(renderGatewayBootstrap(base)).toBe(renderGatewayBootstrap({ ...base }));
  });
});

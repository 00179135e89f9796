import { describe, expect, it } from "vitest";
import { cidrContains, failFor } from "@hearth/core";
import { checkTunnelCidr, checkTunnelHost, defaultTunnelAddress, firstHost } from "./tunnel.js";

const fail = failFor("GatewayNode", "g");

describe("tunnel addressing", () => {
  it("puts home on the first host and gateways on stable hosts after it", () => {
    expect(firstHost("10.99.0.0/24")).toBe("10.99.0.1");
    const names = Array.from({ length: 200 }, (_, i) => `gw-${i}`);
    for (const name of names) {
      const address = defaultTunnelAddress("10.99.0.0/24", name);
      expect(address).toBe(defaultTunnelAddress("10.99.0.0/24", name));
      expect(cidrContains("10.99.0.0/24", address)).toBe(true);
      expect(["10.99.0.0", "10.99.0.1", "10.99.0.255"]).not.toContain(address);
    }
    expect(defaultTunnelAddress("10.99.0.0/30", "any")).toBe("10.99.0.2");
  });

  it.each<[unknown, RegExp]>([
    ["2001:db8::/64", /IPv4 only/],
    ["10.0.0.0/8", /\/16 to \/30/],
    ["10.99.0.0/31", /\/16 to \/30/],
    ["10.99.0.7/24", /did you mean 10\.99\.0\.0\/24\?/],
    ["10.99/24", /canonical form/],
    ["10.99.0.0", /CIDR block/],
  ])("refuses tunnel range %j", (cidr, message) => {
    expect(() => checkTunnelCidr(fail, "home.tunnelCidr", cidr)).toThrow(message);
  });

  it("keeps the range as given, never rewritten", () => {
    expect(checkTunnelCidr(fail, "home.tunnelCidr", "10.99.0.0/24")).toBe("10.99.0.0/24");
  });

  it.each([
    ["10.98.0.5", /inside the tunnel range/],
    ["10.99.0.0", /not its network/],
    ["10.99.0.255", /broadcast/],
    ["10.99.0.1", /home's end of the tunnel/],
  ])("refuses tunnel address %s", (address, message) => {
    expect(() => checkTunnelHost(fail, "tunnelAddress", address, "10.99.0.0/24", "10.99.0.1")).toThrow(message);
  });
});

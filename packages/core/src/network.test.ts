import { describe, expect, it } from "vitest";
import { HearthValidationError, failFor } from "./errors.js";
import { checkCidr, checkVlanTag, cidrContains, isCidr, isIpAddress, isWorldCidr, networkOf, parseCidr } from "./network.js";

const fail = failFor("Network", "lab");

describe("CIDR helpers", () => {
  it.each([
    ["10.20.0.0/24", true],
    ["203.0.113.7/32", true],
    ["2001:db8::/64", true],
    ["10.20.0.0", false],
    ["10.20.0.0/33", false],
    ["300.1.1.1/24", false],
    ["", false],
  ])("isCidr(%j) is %s", (text, expected) => {
    expect(isCidr(text)).toBe(expected);
  });

  it("parses family and prefix", () => {
    expect(parseCidr("2001:db8::/48")).toEqual({ address: "2001:db8::", prefix: 48, family: "ipv6" });
  });

  it("tests membership and world ranges", () => {
    expect(cidrContains("10.20.0.0/24", "10.20.0.1")).toBe(true);
    expect(cidrContains("10.20.0.0/24", "10.20.1.1")).toBe(false);
    expect(cidrContains("10.20.0.0/24", "::1")).toBe(false);
    expect(isWorldCidr("0.0.0.0/0")).toBe(true);
    expect(isWorldCidr("::/0")).toBe(true);
    expect(isWorldCidr("10.0.0.0/8")).toBe(false);
    expect(networkOf("10.20.0.77/24")).toBe("10.20.0.0/24");
    expect(networkOf("2001:db8::1/64")).toBe("2001:db8::/64");
  });

  it("tells addresses from other text", () => {
    expect(isIpAddress("192.168.1.1")).toBe(true);
    expect(isIpAddress("fe80::1")).toBe(true);
    expect(isIpAddress("192.168.1")).toBe(false);
    expect(isIpAddress("example.com")).toBe(false);
  });

  it("fails with the component, field and value", () => {
    expect(() => checkCidr(fail, "sdn.cidr", "10.0.0.0/99")).toThrow(
      'Network "lab": sdn.cidr "10.0.0.0/99" is not valid; use a CIDR block such as 10.0.0.0/24',
    );
  });
});

describe("checkVlanTag", () => {
  it.each([1, 100, 4094])("accepts %d", (tag) => expect(checkVlanTag(fail, "vlan.tag", tag)).toBe(tag));
  it.each([0, 4095, -1, 10.5, "10"])("refuses %j", (tag) => {
    expect(() => checkVlanTag(fail, "vlan.tag", tag)).toThrow(HearthValidationError);
    expect(() => checkVlanTag(fail, "vlan.tag", tag)).toThrow(/1 to 4094/);
  });
});

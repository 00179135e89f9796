import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SERVER_TYPES, isOrderable } from "./catalog.js";
import type { PrimaryIpRecord, ServerRecord } from "./context.js";
import { HcloudError } from "./errors.js";
import { labelProblem, matchesLabelSelector } from "./labels.js";
import { cidrContains, networkRangeProblem, parseV4Cidr, routeProblem, subnetFor } from "./networks.js";
import { primaryIpRules } from "./primaryIps.js";
import { RateLimiter } from "../rateLimit.js";
import { orderableType } from "./servers.js";

const server = (over: Partial<ServerRecord> = {}): ServerRecord =>
  ({ id: 7, name: "s", status: "running", public_net: { ipv4: null, ipv6: null, floating_ips: [] }, private_net: [], location: { name: "fsn1", network_zone: "eu-central" }, server_type: { name: "cx23", architecture: "x86", disk: 40 }, labels: {}, protection: { delete: false, rebuild: false }, backup_window: null, ...over }) as ServerRecord;
const ip = (over: Partial<PrimaryIpRecord> = {}): PrimaryIpRecord =>
  ({ id: 3, name: "ip", ip: "198.18.0.3", type: "ipv4", assignee_id: null, auto_delete: false, location: { name: "fsn1" }, labels: {}, protection: { delete: false }, dns_ptr: [], ...over }) as PrimaryIpRecord;

describe("hcloud catalog: what is sold today", () => {
  it("refuses the Gen 2 CX and Gen 1 CPX types with invalid_server_type, and sells their successors", () => {
    for (const name of ["cx22", "cx32", "cx42", "cpx11", "cpx21"]) {
      expect(() => orderableType(name)).toThrow(expect.objectContaining({ status: 422, code: "invalid_server_type" }));
    }
    for (const name of ["cx23", "cx33", "cx43", "cpx22", "cpx32", "cax11"]) expect(orderableType(name).name).toBe(name);
    expect(orderableType(109).name).toBe("cpx22");
  });

  it("a deprecated type is orderable until unavailable_after, not after", () => {
    const cx22 = SERVER_TYPES.find((t) => t.name === "cx22")!;
    expect(isOrderable(cx22, new Date("2025-12-31T23:59:59Z"))).toBe(true);
    expect(isOrderable(cx22, new Date("2026-01-01T00:00:01Z"))).toBe(false);
  });
});

describe("hcloud primary IP rules (2026)", () => {
  it("refuses to delete an assigned IP with must_be_unassigned, a protected one with protected", () => {
    expect(primaryIpRules.deleteProblem(ip({ assignee_id: 7 }))).toMatchObject({ status: 422, code: "must_be_unassigned" });
    expect(primaryIpRules.deleteProblem(ip({ protection: { delete: true } }))).toMatchObject({ status: 403, code: "protected" });
    expect(primaryIpRules.deleteProblem(ip())).toBeUndefined();
  });

  it("assigns and unassigns only while the server is off", () => {
    expect(primaryIpRules.assignProblem(ip(), server())).toMatchObject({ code: "server_not_stopped" });
    expect(primaryIpRules.assignProblem(ip(), server({ status: "off" }))).toBeUndefined();
    expect(primaryIpRules.unassignProblem(server())).toMatchObject({ code: "server_not_stopped" });
    expect(primaryIpRules.unassignProblem(server({ status: "off" }))).toBeUndefined();
    expect(primaryIpRules.unassignProblem(undefined)).toBeUndefined();
  });

  it("refuses an assigned IP, a taken family and another location", () => {
    const off = { status: "off" as const };
    expect(primaryIpRules.assignProblem(ip({ assignee_id: 9 }), server(off))).toMatchObject({ code: "primary_ip_already_assigned" });
    expect(primaryIpRules.assignProblem(ip(), server({ ...off, public_net: { ipv4: { id: 1 }, ipv6: null, floating_ips: [] } }))).toMatchObject({ code: "server_has_ipv4" });
    expect(primaryIpRules.assignProblem(ip({ type: "ipv6" }), server({ ...off, public_net: { ipv4: null, ipv6: { id: 1 }, floating_ips: [] } }))).toMatchObject({ code: "server_has_ipv6" });
    expect(primaryIpRules.assignProblem(ip({ location: { name: "nbg1" } }), server(off))).toMatchObject({ code: "primary_ip_datacenter_mismatch" });
  });
});

describe("hcloud labels", () => {
  it.each([
    [{ "hearth/role": "ingress", env: "" }, undefined],
    [{ "example.com/my": "label", "just-a-key": "" }, undefined],
    [{ "-bad": "x" }, /label key '-bad'/],
    [{ "a/b/c": "x" }, /label key/],
    [{ ok: "-bad" }, /label value '-bad'/],
    [{ ok: "x".repeat(64) }, /label value/],
    [{ ok: 3 }, /label value/],
    [["a"], /object/],
  ])("%j -> %s", (labels, problem) => {
    const got = labelProblem(labels);
    if (problem === undefined) expect(got).toBeUndefined();
    else expect(got).toMatch(problem);
  });

  it("accepts every well-formed key and value (property)", () => {
    const part = fc.stringMatching(/^[a-z0-9A-Z]([-_.a-z0-9A-Z]{0,20}[a-z0-9A-Z])?$/);
    fc.assert(fc.property(part, part, (k, v) => labelProblem({ [k]: v, [`example.com/${k}`]: "" }) === undefined));
  });

  it.each([
    ["a=1", { a: "1" }, true],
    ["a=1", { a: "2" }, false],
    ["a==1,b", { a: "1", b: "" }, true],
    ["a!=1", { a: "2" }, true],
    ["!a", { b: "1" }, true],
    ["!a", { a: "1" }, false],
    ["env in (prod,stage)", { env: "stage" }, true],
    ["env in (prod,stage)", { env: "dev" }, false],
    ["env notin (prod,stage)", { env: "dev" }, true],
  ])("selector %s on %j is %s", (selector, labels, expected) => {
    expect(matchesLabelSelector(labels, selector)).toBe(expected);
  });
});

describe("hcloud networks and subnets", () => {
  const net = { ip_range: "10.0.0.0/16", subnets: [] as ReturnType<typeof subnetFor>[] };
  const refused = (f: () => unknown, field: RegExp): void => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(HcloudError);
      expect(JSON.stringify((e as HcloudError).details)).toMatch(field);
      return;
    }
    throw new Error("not refused");
  };

  it("takes only RFC1918 networks of /24 or larger", () => {
    expect(networkRangeProblem("10.0.0.0/16")).toBeUndefined();
    expect(networkRangeProblem("172.16.0.0/12")).toBeUndefined();
    expect(networkRangeProblem("8.8.0.0/16")).toMatch(/RFC1918/);
    expect(networkRangeProblem("10.0.0.0/25")).toMatch(/\/24/);
    expect(networkRangeProblem("10.0.0.1/16")).toMatch(/CIDR/);
  });

  it("places subnets inside the network, in a known zone, without overlap; the first free /24 when none is given", () => {
    const a = subnetFor(net, { type: "cloud", ip_range: "10.0.1.0/24", network_zone: "eu-central" });
    expect(a).toEqual({ type: "cloud", ip_range: "10.0.1.0/24", network_zone: "eu-central", gateway: "10.0.0.1" });
    const withA = { ...net, subnets: [a] };
    expect(subnetFor(withA, { type: "cloud", network_zone: "eu-central" }).ip_range).toBe("10.0.0.0/24");
    refused(() => subnetFor(withA, { type: "cloud", ip_range: "10.0.1.128/25", network_zone: "eu-central" }), /overlap/);
    refused(() => subnetFor(net, { type: "cloud", ip_range: "10.1.0.0/24", network_zone: "eu-central" }), /subnet of the network/);
    refused(() => subnetFor(net, { type: "cloud", ip_range: "10.0.1.0/31", network_zone: "eu-central" }), /\/30/);
    refused(() => subnetFor(net, { type: "cloud", ip_range: "10.0.1.0/24", network_zone: "mars" }), /network_zone/);
    refused(() => subnetFor(net, { type: "cloud", ip_range: "10.0.1.0/24" }), /network_zone/);
    refused(() => subnetFor(net, { type: "vswitch", ip_range: "10.0.1.0/24", network_zone: "eu-central" }), /vswitch_id/);
  });

  it("takes routes to private ranges or 0.0.0.0/0, not over a subnet, not via reserved gateways", () => {
    const withSubnet = { id: 1, name: "n", ip_range: "10.0.0.0/16", subnets: [subnetFor(net, { type: "cloud", ip_range: "10.0.1.0/24", network_zone: "eu-central" })], routes: [], servers: [], labels: {}, protection: { delete: false } };
    expect(routeProblem(withSubnet, "10.100.0.0/24", "10.0.1.5")).toBeUndefined();
    expect(routeProblem(withSubnet, "0.0.0.0/0", "10.0.1.5")).toBeUndefined();
    expect(routeProblem(withSubnet, "8.8.8.0/24", "10.0.1.5")).toMatch(/RFC1918/);
    expect(routeProblem(withSubnet, "10.0.1.0/25", "10.0.1.5")).toMatch(/overlap/);
    expect(routeProblem(withSubnet, "10.100.0.0/24", "10.0.0.1")).toMatch(/reserved/);
    expect(routeProblem(withSubnet, "10.100.0.0/24", "172.31.1.1")).toMatch(/reserved/);
  });

  it("a subnet the helper accepts always lies inside the network (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 16, max: 30 }), (third, prefix) => {
        const text = `10.0.${third}.0/${prefix}`;
        const cidr = parseV4Cidr(text);
        if (!cidr) return true;
        try {
          const s = subnetFor(net, { type: "cloud", ip_range: text, network_zone: "eu-central" });
          return cidrContains(parseV4Cidr(net.ip_range)!, parseV4Cidr(s.ip_range)!);
        } catch (e) {
          return e instanceof HcloudError;
        }
      }),
    );
  });
});

describe("rate limiter", () => {
  it("counts requests down, refills over time and reports the reset as Unix seconds", () => {
    let now = 1_800_000_000_000;
    const rl = new RateLimiter(3, 1, () => now);
    const names = { limit: "RateLimit-Limit", remaining: "RateLimit-Remaining", reset: "RateLimit-Reset" };
    expect(rl.take()).toBe(true);
    expect(rl.headers(names)).toEqual({ "RateLimit-Limit": "3", "RateLimit-Remaining": "2", "RateLimit-Reset": String(now / 1000 + 1) });
    expect(rl.take() && rl.take()).toBe(true);
    expect(rl.take()).toBe(false);
    now += 2000;
    expect(rl.headers(names)["RateLimit-Remaining"]).toBe("2");
  });
});

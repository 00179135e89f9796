import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "../server.js";
import { call } from "../testClient.js";
import type { AllowlistEntry } from "./allowlist.js";
import { ConformanceChecker, type Exchange } from "./checker.js";
import { checkPveParameters, PveApiIndex, pveRegex, type PveMethodInfo, type PveSchema } from "./pve.js";
import { namedFormat, splitList } from "./pveFormats.js";
import { findSpecsDir, loadSpecs } from "./specs.js";

const dir = findSpecsDir();
if (!dir) throw new Error("the official API descriptions (../shared/specs) are needed by these tests; set HEARTH_SPECS_DIR");
const specs = loadSpecs(dir);
const checker = new ConformanceChecker(specs);
const pve = new PveApiIndex(specs.proxmox);

const pveMethod = (path: string, method: string): PveMethodInfo => {
  const info = pve.match(path)?.info[method];
  if (!info) throw new Error(`no ${method} ${path} in the PVE schema`);
  return info;
};
const configPut = pveMethod("/nodes/pve1/qemu/100/config", "PUT");
const putConfig = (params: Record<string, unknown>) => checkPveParameters(configPut, { node: "pve1", vmid: "100", ...params }).errors;

const exchange = (x: Partial<Exchange> & Pick<Exchange, "api" | "method" | "path">): Exchange => ({ query: {}, body: {}, status: 200, response: undefined, ...x });

describe("Proxmox parameters, as PVE's RESTHandler verifies them", () => {
  it("accepts what the schema allows, including property strings with aliases and indexed keys", () => {
    expect(
      putConfig({
        name: "web-1",
        memory: "2048",
        cores: "2",
        onboot: "1",
        scsihw: "virtio-scsi-single",
        tags: "hearth;web",
        net0: "virtio=BC:24:11:00:00:01,bridge=vmbr0,firewall=1,tag=20",
        ipconfig0: "ip=10.0.0.5/24,gw=10.0.0.1",
        scsi0: "local-lvm:vm-100-disk-0,size=20G,discard=on",
        delete: "ide2,net1",
      }),
    ).toEqual({});
  });

  it("refuses an unknown parameter with PVE's words", () => {
    expect(putConfig({ bogus: "1" })).toEqual({ bogus: "property is not defined in schema and the schema does not allow additional properties" });
  });

  it("refuses wrong types, enums, ranges and formats with PVE's words", () => {
    expect(putConfig({ onboot: "true" })).toEqual({ onboot: "type check ('boolean') failed - got 'true'" });
    expect(putConfig({ cores: "two" })).toEqual({ cores: "type check ('integer') failed - got 'two'" });
    expect(putConfig({ cores: "0" })).toEqual({ cores: "value must have a minimum value of 1" });
    expect(putConfig({ bios: "uefi" })).toEqual({ bios: "value 'uefi' does not have a value in the enumeration 'seabios, ovmf'" });
    expect(putConfig({ name: "web_1" })).toEqual({ name: "invalid format - value does not look like a valid DNS name\n" });
    expect(checkPveParameters(configPut, { node: "pve1", vmid: "99" }).errors).toEqual({ vmid: "invalid format - value does not look like a valid VM ID\n" });
  });

  it("refuses a bad property string naming the inner key, as parse_property_string does", () => {
    expect(putConfig({ net0: "virtio,bridge=vmbr 0" })).toEqual({ net0: "invalid format - format error\nnet0.bridge: invalid format - invalid bridge ID 'vmbr 0'\n\n" });
    expect(putConfig({ net0: "virtio,speed=fast" })).toEqual({ net0: "invalid format - invalid key in comma-separated list property: speed\n" });
    expect(putConfig({ cpu: "host,reported-model=kvm64" })).toEqual({ cpu: "invalid format - Property 'reported-model' not allowed in VM-specific CPU config.\n" });
    expect(putConfig({ boot: "order=scsi0;net0;ide9" })).toEqual({ boot: "invalid format - format error\nboot.order: invalid format - invalid boot device 'ide9'\n\n" });
    expect(putConfig({ ipconfig0: "gw=10.0.0.1" })).toEqual({ ipconfig0: "invalid format - format error\nipconfig0.ip: missing property required by 'ipconfig0.gw'\n" });
  });

  it("requires what is not optional", () => {
    const clone = pveMethod("/nodes/pve1/qemu/9000/clone", "POST");
    expect(checkPveParameters(clone, { node: "pve1", vmid: "9000" }).errors).toEqual({ newid: "property is missing and it is not optional" });
  });

  it("matches literal path segments before parameters", () => {
    expect(pve.match("/nodes/pve1/qemu/100/status/current")?.template).toBe("/nodes/{node}/qemu/{vmid}/status/current");
    expect(pve.match("/cluster/firewall/groups/web/3")?.template).toBe("/cluster/firewall/groups/{group}/{pos}");
    expect(pve.match("/nodes/pve1/nothing-here")).toBeUndefined();
  });

  it("reports a format it does not implement instead of passing it silently", () => {
    const { errors, unchecked } = checkPveParameters(configPut, { node: "pve1", vmid: "100", affinity: "0-3" });
    expect(errors).toEqual({});
    expect(unchecked).toEqual([{ path: "affinity", format: "pve-cpuset" }]);
  });
});

describe("Proxmox values, generated per schema type and format", () => {
  const params = (configPut.parameters?.properties ?? {}) as Record<string, PveSchema>;
  const plain = Object.entries(params).filter(([k, s]) => !k.endsWith("[n]") && !s.format && !s.pattern && !s.requires && k !== "node" && k !== "vmid");

  it("accepts integers inside their range and refuses those outside", () => {
    const ints = plain.filter(([, s]) => s.type === "integer");
    expect(ints.length).toBeGreaterThan(5);
    for (const [key, s] of ints) {
      const min = s.minimum === undefined ? -1e6 : Number(s.minimum);
      const max = s.maximum === undefined ? 1e9 : Number(s.maximum);
      fc.assert(fc.property(fc.integer({ min, max }), (n) => void expect(putConfig({ [key]: String(n) })).toEqual({})), { numRuns: 20 });
      if (s.minimum !== undefined) fc.assert(fc.property(fc.integer({ min: min - 1000, max: min - 1 }), (n) => void expect(putConfig({ [key]: String(n) })[key]).toBe(`value must have a minimum value of ${s.minimum}`)), { numRuns: 10 });
      if (s.maximum !== undefined) fc.assert(fc.property(fc.integer({ min: max + 1, max: max + 1000 }), (n) => void expect(putConfig({ [key]: String(n) })[key]).toBe(`value must have a maximum value of ${s.maximum}`)), { numRuns: 10 });
      fc.assert(fc.property(fc.string({ minLength: 1 }).filter((t) => !/^[+-]?\d+$/.test(t)), (t) => void expect(putConfig({ [key]: t })[key]).toMatch(/^type check \('integer'\) failed/)), { numRuns: 10 });
    }
  });

  it("accepts booleans as 0/1 only", () => {
    const bools = plain.filter(([, s]) => s.type === "boolean");
    expect(bools.length).toBeGreaterThan(3);
    for (const [key] of bools) {
      fc.assert(fc.property(fc.constantFrom("0", "1"), (v) => void expect(putConfig({ [key]: v })).toEqual({})), { numRuns: 4 });
      fc.assert(fc.property(fc.string().filter((t) => t !== "0" && t !== "1"), (t) => void expect(putConfig({ [key]: t })[key]).toBe(`type check ('boolean') failed - got '${t}'`)), { numRuns: 10 });
    }
  });

  it("accepts enum members and refuses anything else", () => {
    const enums = plain.filter(([, s]) => s.enum);
    expect(enums.length).toBeGreaterThan(3);
    for (const [key, s] of enums) {
      fc.assert(fc.property(fc.constantFrom(...s.enum!.map(String)), (v) => void expect(putConfig({ [key]: v })).toEqual({})), { numRuns: 10 });
      fc.assert(fc.property(fc.string().filter((t) => !s.enum!.map(String).includes(t)), (t) => void expect(putConfig({ [key]: t })[key]).toMatch(/does not have a value in the enumeration|type check/)), { numRuns: 10 });
    }
  });

  it("holds every pattern of the schema: values made from the pattern pass it", () => {
    const patterns = new Set<string>();
    const walk = (s: PveSchema | undefined): void => {
      if (!s) return;
      if (s.pattern) patterns.add(s.pattern);
      for (const p of Object.values(s.properties ?? {})) walk(p);
      if (typeof s.format === "object") for (const p of Object.values(s.format)) walk(p);
    };
    const visit = (nodes: typeof specs.proxmox): void => {
      for (const n of nodes) {
        for (const info of Object.values(n.info ?? {})) walk(info.parameters);
        visit(n.children ?? []);
      }
    };
    visit(specs.proxmox);
    let checked = 0;
    let skipped = 0;
    for (const pattern of patterns) {
      const re = pveRegex(pattern);
      expect(re, pattern).toBeDefined();
      let values: fc.Arbitrary<string>;
      try {
        values = fc.stringMatching(re!.flags ? new RegExp(re!.source) : re!);
      } catch {
        skipped++; // fast-check cannot generate from this pattern (a backreference)
        continue;
      }
      const schema: PveSchema = { type: "object", properties: { v: { type: "string", pattern } } };
      fc.assert(fc.property(values, (v) => void expect(checkPveParameters({ method: "POST", parameters: schema }, { v }).errors).toEqual({})), { numRuns: 5 });
      expect(checkPveParameters({ method: "POST", parameters: schema }, { v: "\u0000not it\u0000" }).errors.v ?? "value does not match the regex pattern").toBe("value does not match the regex pattern");
      checked++;
    }
    expect(checked + skipped).toBe(patterns.size);
    expect(skipped).toBeLessThan(5);
  });

  const dnsLabel = fc.stringMatching(/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,20}[a-zA-Z0-9])?$/);
  const format = (name: string) => namedFormat(name)!;

  it("pve-vmid: 100..999999999", () => {
    fc.assert(fc.property(fc.integer({ min: 100, max: 999_999_999 }), (n) => void expect(format("pve-vmid")(String(n))).toBeUndefined()));
    fc.assert(fc.property(fc.integer({ min: 0, max: 99 }), (n) => void expect(format("pve-vmid")(String(n))).toBe("value does not look like a valid VM ID\n")));
  });

  it("pve-node and dns-name: RFC 1123 labels", () => {
    fc.assert(fc.property(dnsLabel, (l) => void expect(format("pve-node")(l)).toBeUndefined()));
    fc.assert(fc.property(fc.array(dnsLabel, { minLength: 1, maxLength: 4 }), (ls) => void expect(format("dns-name")(ls.join("."))).toBeUndefined()));
    fc.assert(fc.property(dnsLabel, fc.constantFrom("_", " ", "-"), (l, bad) => void expect(format("pve-node")(`${l}${bad}`)).toBe("value does not look like a valid node name\n")));
  });

  it("mac-addr: unicast only (the I/G bit clear)", () => {
    const octet = fc.integer({ min: 0, max: 255 }).map((n) => n.toString(16).padStart(2, "0"));
    fc.assert(fc.property(fc.array(octet, { minLength: 6, maxLength: 6 }), (o) => {
      const mac = o.join(":");
      const unicast = (parseInt(o[0]!, 16) & 1) === 0;
      expect(format("mac-addr")(mac)).toBe(unicast ? undefined : "value does not look like a valid unicast MAC address\n");
    }));
  });

  it("CIDRv4: an address and a prefix of 8 to 32", () => {
    fc.assert(fc.property(fc.ipV4(), fc.integer({ min: 0, max: 40 }), (ip, bits) => {
      expect(format("CIDRv4")(`${ip}/${bits}`)).toBe(bits > 7 && bits <= 32 ? undefined : "value does not look like a valid IPv4 CIDR network\n");
    }));
  });

  it("-list formats split like split_list and check every item", () => {
    expect(splitList("a,b;c d")).toEqual(["a", "b", "c", "d"]);
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-z0-9_][a-z0-9_\-+.]{0,10}$/), { minLength: 1, maxLength: 5 }), (tags) => void expect(format("pve-tag-list")(tags.join(";"))).toBeUndefined()));
    expect(format("pve-tag-list")("ok;no/slash")).toBe("invalid characters in tag\n");
  });
});

describe("Hetzner Cloud and DigitalOcean, against their OpenAPI documents", () => {
  it("finds the operation, literal segments first", () => {
    expect(checker.check(exchange({ api: "hcloud", method: "GET", path: "/servers/42", response: undefined, status: 404 })).template).toBe("/servers/{id}");
    expect(checker.check(exchange({ api: "digitalocean", method: "GET", path: "/droplets/42", status: 404 })).template).toBe("/v2/droplets/{droplet_id}");
  });

  it("refuses a body that misses a required field or has a wrong type, in each API's shape", () => {
    expect(checker.refusal("hcloud", "POST", "/ssh_keys", {}, { name: "ops" })).toEqual({
      status: 400,
      code: "invalid_input",
      message: "invalid input in field 'public_key': is required",
      details: { fields: [{ name: "public_key", messages: ["is required"] }] },
    });
    expect(checker.refusal("hcloud", "POST", "/ssh_keys", {}, { name: "ops", public_key: "ssh-ed25519 AAAA" })).toBeUndefined();
    const r = checker.refusal("digitalocean", "POST", "/droplets", {}, { name: "web-1", region: "fra1", size: 5, image: "debian-12-x64" });
    expect(r).toMatchObject({ status: 422, code: "unprocessable_entity" });
    expect(r?.message).toMatch(/size/);
  });

  it("property: any well-typed ssh key body passes, a name of another type is refused", () => {
    const body = fc.record({ name: fc.string({ minLength: 1 }), public_key: fc.string({ minLength: 1 }), labels: fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/), fc.stringMatching(/^[a-z0-9]{0,8}$/)) });
    fc.assert(fc.property(body, (b) => void expect(checker.refusal("hcloud", "POST", "/ssh_keys", {}, b)).toBeUndefined()), { numRuns: 30 });
    fc.assert(
      fc.property(body, fc.oneof(fc.integer(), fc.boolean(), fc.constant(null)), (b, name) => void expect(checker.refusal("hcloud", "POST", "/ssh_keys", {}, { ...b, name })?.details?.fields[0]?.name).toBe("name")),
      { numRuns: 30 },
    );
  });

  it("reports undocumented statuses, response fields and query parameters", () => {
    const kinds = (x: Exchange) => checker.check(x).violations.map((v) => `${v.kind} ${v.field ?? ""}`.trim());
    expect(kinds(exchange({ api: "hcloud", method: "GET", path: "/locations", status: 302, response: undefined }))).toEqual(["undocumented-status"]);
    const location = { id: 1, name: "fsn1", description: "Falkenstein DC Park 1", country: "DE", city: "Falkenstein", latitude: 50.47612, longitude: 12.370071, network_zone: "eu-central" };
    expect(kinds(exchange({ api: "hcloud", method: "GET", path: "/locations/1", response: { location } }))).toEqual([]);
    expect(kinds(exchange({ api: "hcloud", method: "GET", path: "/locations/1", response: { location: { ...location, moon: "full" } } }))).toEqual(["undocumented-response-field location.moon"]);
    expect(kinds(exchange({ api: "hcloud", method: "GET", path: "/locations/1", response: { location: { ...location, id: "1" } } }))).toEqual(["response-body location.id"]);
    expect(kinds(exchange({ api: "hcloud", method: "GET", path: "/locations", query: { flavour: ["x"] }, status: 400, response: { error: { code: "invalid_input", message: "x", details: null } } }))).toEqual(["undocumented-request-field ?flavour"]);
    expect(kinds(exchange({ api: "hcloud", method: "GET", path: "/teapots", status: 501 }))).toEqual(["unknown-path"]);
    expect(kinds(exchange({ api: "digitalocean", method: "PATCH", path: "/droplets/1", status: 501 }))).toEqual(["unknown-method"]);
  });

  it("checks Proxmox replies against `returns` with PVE's own rules", () => {
    const kinds = (x: Exchange) => checker.check(x).violations.map((v) => `${v.kind} ${v.field ?? ""}`.trim());
    expect(kinds(exchange({ api: "proxmox", method: "GET", path: "/version", response: { data: { version: "9.1.3", release: "9.1", repoid: "faa83925c9641325" } } }))).toEqual([]);
    expect(kinds(exchange({ api: "proxmox", method: "GET", path: "/version", response: { data: { release: "9.1", repoid: "faa83925c9641325" } } }))).toEqual(["response-body data.version"]);
    expect(kinds(exchange({ api: "proxmox", method: "GET", path: "/version", response: { version: "9.1.3" } }))).toEqual(["response-body"]);
  });

  it("lets an allowlist entry cover a known document gap, and only that one", () => {
    const entry: AllowlistEntry = { api: "hcloud", kind: "undocumented-request-field", template: "/locations", field: "?flavour", reason: "test" };
    const withEntry = new ConformanceChecker(specs, [entry]);
    const x = exchange({ api: "hcloud", method: "GET", path: "/locations", query: { flavour: ["x"], colour: ["y"] }, status: 400, response: { error: { code: "x", message: "x", details: null } } });
    const r = withEntry.check(x);
    expect(r.allowed.map((a) => a.violation.field)).toEqual(["?flavour"]);
    expect(r.violations.map((v) => v.field)).toEqual(["?colour"]);
  });
});

describe("a sandbox refuses what the real API refuses, and reports its exchanges", () => {
  let sb: Sandbox;
  beforeAll(async () => {
    sb = await startSandbox({ proxmox: { templates: [{ vmid: 9000 }], taskMs: 1 } });
  });
  afterAll(async () => {
    await sb.stop();
  });

  it("answers a schema-invalid Proxmox call with 400 Parameter verification failed. and per-field errors", async () => {
    const res = await call(`${sb.proxmox.endpoint}api2/json/nodes/pve1/qemu/9000/config`, { method: "PUT", headers: { Authorization: `PVEAPIToken=${sb.proxmox.apiToken}` }, form: { memory: 2048, bogus: 1, onboot: "yes" } });
    expect(res.status).toBe(400);
    expect(res.statusText).toBe("Parameter verification failed.");
    expect(res.body).toEqual({
      data: null,
      message: "Parameter verification failed.\n",
      errors: { bogus: "property is not defined in schema and the schema does not allow additional properties", onboot: "type check ('boolean') failed - got 'yes'" },
    });
    expect(sb.inspect().proxmox.vms["9000"]!.config.memory).not.toBe(2048);
  });

  it("answers an invalid hcloud body with invalid_input and its fields", async () => {
    const res = await call(`${sb.hcloud.endpoint}/ssh_keys`, { headers: { Authorization: `Bearer ${sb.hcloud.token}` }, json: { name: 7, public_key: "ssh-ed25519 AAAA" } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: "invalid_input", details: { fields: [{ name: "name", messages: ["must be string"] }] } });
  });

  it("answers an invalid DigitalOcean body with 422 unprocessable_entity", async () => {
    const res = await call(`${sb.digitalocean.endpoint}/v2/account/keys`, { headers: { Authorization: `Bearer ${sb.digitalocean.token}` }, json: { name: "ops" } });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ id: "unprocessable_entity" });
    expect(res.body.message).toMatch(/public_key/);
  });

  it("counts refusals as faithful answers, not violations, and reports what it covered", () => {
    const report = sb.conformance();
    expect(report.enabled).toBe(true);
    expect(report.refused).toBe(3);
    expect(report.violations).toEqual([]);
    expect(report.coverage.proxmox).toContain("PUT /nodes/{node}/qemu/{vmid}/config");
    expect(report.coverage.hcloud).toContain("POST /ssh_keys");
    expect(report.coverage.digitalocean).toContain("POST /v2/account/keys");
    expect(report.documented.proxmox).toBeGreaterThan(400);
  });
});

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { checkCloudConfig, checkUserDataSize, renderCloudConfig, userDataLimits, type CloudConfig } from "./cloudinit.js";
import { HearthValidationError, failFor } from "./errors.js";
import { isBareYamlScalar, renderYaml11, yamlStringProblem } from "./yaml11.js";

const fail = failFor("VmFromTemplate", "web");
const runs = { numRuns: 1000 };
/** A YAML 1.1 reader: the `yaml` library with its YAML 1.1 schema (bools yes/no/on/off/y/n, ints 0b/0o/0x/sexagesimal/`_`, floats, timestamps, null). */
const read11 = (text: string) => parse(text, { version: "1.1" }) as unknown;

/** Strings a YAML 1.1 reader would take for something else, if written bare. */
const yaml11Specials = [
  "yes", "Yes", "YES", "no", "No", "on", "On", "off", "OFF", "y", "Y", "n", "N", "true", "False", "~", "null", "Null", "NULL", "",
  "1:20", "190:20:30", "1:20.5", "0b101", "-0b1_0", "0o17", "017", "0x1f", "1_000", "+1", "-1", "1.5", "1e3", "6.8523015e+5",
  ".inf", "-.Inf", ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-12-14",
  "=", "<<", "!!str", "!x", "&a", "*a", "? x", "- x", "a: b", "a #b", "#x", "@x", "`x", "%x", "|", ">", "'q", '"q', "[a]", "{a: 1}",
  " lead", "trail ", "---", "...", "\ttab", "a\tb", "cr\r\nlf", " \n", "\n \n", "x\n ", "multi\nline\n",
];
// The characters that break YAML 1.1 readers or that the renderer must escape, mixed with ordinary ones.
const trickyUnit = fc.constantFrom("\t", "\n", "\r", " ", "a", "#", ":", "-", '"', "'", "\\", "!", "&", "*", "?", "|", ">", "%", "@", "`", ",", "[", "]", "{", "}", "0", "1", ".", "=", "<", "é", "😀", "\u00a0", "\u0085", "\u2028", "\u2029", "\ufeff", "\u0000", "\u001b", "\u007f", "\u009b", "\ud800", "\udfff", "\ufffe");
const anyString = fc.oneof(
  fc.constantFrom(...yaml11Specials),
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.string({ unit: "grapheme", maxLength: 24 }),
  fc.string({ unit: trickyUnit, maxLength: 16 }),
  fc.array(fc.string({ unit: trickyUnit, maxLength: 8 }), { maxLength: 4 }).map((lines) => lines.join("\n")),
  fc.stringMatching(/^[0-9:._+eEbxo-]{1,10}$/),
);
const oneLine = anyString.filter((s) => !/[\t\n\r]/.test(s));
const nameArb = fc.oneof(fc.constantFrom("yes", "no", "on", "off", "y", "n", "null", "true", "false", "nan", "inf"), fc.stringMatching(/^[a-z_][a-z0-9_-]{0,8}$/)).filter((n) => n !== "root");
const packageArb = fc.oneof(fc.constantFrom("1:20", "0b101", "017", "1_000", "1e3", "0x1f", "2001-12-14", "yes", "on", "null", "1.5"), fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9.+:=~_-]{0,12}$/));
const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a";

/** A cloud config with a generated string in every free-text place. */
const configArb = fc.record({
  user: nameArb,
  group: nameArb,
  comment: oneLine,
  pkg: packageArb,
  path: oneLine,
  content: anyString,
  owner: fc.tuple(nameArb, nameArb).map(([u, g]) => `${u}:${g}`),
  permissions: fc.constantFrom("0644", "0600", "644", "0755", "017", "0777"),
  command: anyString,
  argv: fc.array(anyString, { minLength: 1, maxLength: 3 }),
  timezone: fc.constantFrom("UTC", "Europe/Vienna", "Etc/GMT+1", "yes", "no", "on", "null", "0b101", "017", "1_000", "y"),
});

type Generated = typeof configArb extends fc.Arbitrary<infer T> ? T : never;
const toConfig = (c: Generated): CloudConfig => ({
  hostname: "web-1",
  timezone: c.timezone,
  users: [{ name: c.user, groups: [c.group], sshKeys: [`${key} ${c.comment}`.trimEnd()] }],
  packages: [c.pkg],
  writeFiles: [{ path: `/${c.path}`, content: c.content, owner: c.owner, permissions: c.permissions }],
  runcmd: [c.command, c.argv],
});

function refusedOrSame(config: CloudConfig): "refused" | "same" {
  try {
    checkCloudConfig(fail, "cloudInit", config);
  } catch (error) {
    expect(error).toBeInstanceOf(HearthValidationError);
    return "refused";
  }
  const doc = read11(renderCloudConfig(config)) as Record<string, any>;
  expect(doc.timezone).toBe(config.timezone);
  expect(doc.users[1].name).toBe(config.users![0]!.name);
  expect(doc.users[1].groups).toBe(config.users![0]!.groups![0]);
  expect(doc.users[1].ssh_authorized_keys).toEqual(config.users![0]!.sshKeys);
  expect(doc.packages).toEqual(config.packages);
  expect(doc.write_files).toEqual([{ path: config.writeFiles![0]!.path, content: config.writeFiles![0]!.content, owner: config.writeFiles![0]!.owner, permissions: config.writeFiles![0]!.permissions }]);
  expect(doc.runcmd).toEqual(config.runcmd);
  return "same";
}

describe("cloud-config user-data means what was written, for a YAML 1.1 reader", () => {
  it("gives back every string field exactly, or refuses the config with a HearthValidationError", () => {
    const outcomes = { refused: 0, same: 0 };
    fc.assert(
      fc.property(configArb, (c) => {
        outcomes[refusedOrSame(toConfig(c))]++;
      }),
      runs,
    );
    // Both outcomes happen: the property is not vacuous.
    expect(outcomes.same).toBeGreaterThan(runs.numRuns / 10);
    expect(outcomes.refused).toBeGreaterThan(0);
  });

  it("refuses exactly the strings YAML cannot carry, and renders every other string so it reads back the same", () => {
    fc.assert(
      fc.property(anyString, (value) => {
        const problem = yamlStringProblem(value);
        const carriable = !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|\p{Cs}/u.test(value);
        expect(problem === undefined).toBe(carriable);
        if (problem !== undefined) {
          expect(() => renderYaml11({ value })).toThrow(TypeError);
          expect(() => renderCloudConfig({ runcmd: [value] })).toThrow(HearthValidationError);
          return;
        }
        const text = renderYaml11({ k: value, l: [value, [value]], m: { n: [{ o: value }] } });
        expect(read11(text)).toEqual({ k: value, l: [value, [value]], m: { n: [{ o: value }] } });
        // The document is valid UTF-8 and stays the same through an encode/decode.
        expect(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(text, "utf8"))).toBe(text);
      }),
      runs,
    );
  });

  it("writes YAML 1.1 look-alikes quoted, so yes, 1:20, 0b101, 017, 1_000, dates, =, << stay strings", () => {
    for (const value of yaml11Specials) {
      if (yamlStringProblem(value) !== undefined) continue;
      expect(read11(renderYaml11({ value }))).toEqual({ value });
      // Document markers are plain text after "key: " or "- " (they count only at column 0);
      // 0o17 is YAML 1.2 octal, a plain string to YAML 1.1 (whose octal is 017).
      if (!["---", "...", "0o17"].includes(value)) expect(isBareYamlScalar(value), value).toBe(false);
    }
  });

  it("judges a bare value safe only when a YAML 1.1 reader gives it back, in a map and in a list", () => {
    fc.assert(
      fc.property(fc.oneof(oneLine, nameArb, packageArb, fc.constantFrom(...yaml11Specials)), (value) => {
        if (!isBareYamlScalar(value)) return;
        expect(read11(`user: ${value}\nssh_authorized_keys:\n  - ${value}\n`)).toEqual({ user: value, ssh_authorized_keys: [value] });
      }),
      runs,
    );
  });

  it("never echoes file contents in an error (they may hold keys)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 20 }).map((s) => `secret-${s}\u0000`), (content) => {
        try {
          checkCloudConfig(fail, "cloudInit", { writeFiles: [{ path: "/etc/k", content }] });
        } catch (error) {
          expect((error as Error).message).not.toContain(content.slice(0, -1));
          expect((error as HearthValidationError).value).toBe("[secret]");
          return;
        }
        throw new Error("expected a refusal");
      }),
      { numRuns: 200 },
    );
  });
});

describe("user-data size limits", () => {
  const specs = new URL("../../../../shared/specs/", import.meta.url);

  it("are the limits the clouds' API descriptions state", () => {
    const hcloud = JSON.parse(readFileSync(new URL("hcloud-openapi.json", specs), "utf8"));
    expect(hcloud.components.schemas.create_server_request.properties.user_data.description).toContain("limited to 32KiB");
    const digitalocean = JSON.parse(readFileSync(new URL("digitalocean-openapi.json", specs), "utf8"));
    const create = digitalocean.paths["/v2/droplets"].post.requestBody.content["application/json"].schema.oneOf[0].allOf[1].properties.user_data;
    expect(create.description).toContain("may not exceed 64 KiB");
    expect(userDataLimits).toEqual({ hcloud: 32 * 1024, digitalocean: 64 * 1024 });
  });

  it("refuse user-data one byte over the limit and accept it at the limit, counting UTF-8 bytes", () => {
    fc.assert(
      fc.property(fc.constantFrom("hcloud" as const, "digitalocean" as const), fc.constantFrom("a", "é", "😀"), fc.integer({ min: -3, max: 3 }), (cloud, unit, delta) => {
        const bytesPerUnit = Buffer.byteLength(unit, "utf8");
        const units = Math.floor((userDataLimits[cloud] + delta) / bytesPerUnit);
        const text = unit.repeat(units);
        const size = Buffer.byteLength(text, "utf8");
        if (size <= userDataLimits[cloud]) expect(checkUserDataSize(fail, "userData", text, cloud)).toBe(text);
        else expect(() => checkUserDataSize(fail, "userData", text, cloud)).toThrow(/at most/);
      }),
      { numRuns: 200 },
    );
  });
});

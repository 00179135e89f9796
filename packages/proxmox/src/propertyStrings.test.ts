import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HearthValidationError, rule } from "@hearth/core";
import { parse as parseYaml } from "yaml";
import { BackupJob } from "./backupJob.js";
import { CloudImageTemplate } from "./cloudImageTemplate.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network } from "./network.js";
import { isPveValue, pveFormats, type PveFormatKey } from "./pveFormats.js";
import { installMocks, presets, recorded, resetMocks, settle } from "@hearth/kit/testing";
import { VmFromTemplate } from "./vmFromTemplate.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(resetMocks);

let id = 0;
const template = { vmId: 9000, diskSizeGb: 10 };
const rules = [rule.allowIn({ protocol: "tcp", ports: [443] })];

/** Every Hearth field that ends in a Proxmox id or property string, with the format it must meet. */
const fields: ReadonlyArray<{ readonly field: string; readonly format: PveFormatKey | "comment"; readonly make: (v: string) => unknown }> = [
  { field: "node", format: "node", make: (v) => new VmFromTemplate(`vm${id++}`, { node: v, template }) },
  { field: "storage", format: "storage", make: (v) => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, storage: v }) },
  { field: "pool", format: "pool", make: (v) => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, pool: v }) },
  { field: "cpuType", format: "cpuType", make: (v) => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, cpuType: v }) },
  { field: "networks[0].networkId", format: "bridge", make: (v) => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, networks: [{ networkId: v }] }) },
  { field: "networks[0].macAddress", format: "mac", make: (v) => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, networks: [{ networkId: "vmbr0", macAddress: v }] }) },
  { field: "disks[0].storage", format: "storage", make: (v) => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, disks: [{ sizeGb: 20, storage: v }] }) },
  { field: "cloudInit.storage", format: "storage", make: (v) => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, cloudInit: { storage: v } }) },
  {
    field: "cloudInit.userDataFileId",
    format: "snippetVolume",
    make: (v) => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, cloudInit: { userDataFileId: v } }),
  },
  { field: "node", format: "node", make: (v) => new CloudImageTemplate(`t${id++}`, { node: v, imageUrl: "https://example.org/d.qcow2", vmId: 10_000 + id }) },
  { field: "imageStorage", format: "storage", make: (v) => new CloudImageTemplate(`t${id++}`, { node: "pve1", imageUrl: "https://example.org/d.qcow2", vmId: 10_000 + id, imageStorage: v }) },
  { field: "bridge", format: "bridge", make: (v) => new CloudImageTemplate(`t${id++}`, { node: "pve1", imageUrl: "https://example.org/d.qcow2", vmId: 10_000 + id, bridge: v }) },
  { field: "bridge.node", format: "node", make: (v) => new Network(`n${id++}`, { bridge: { node: v, name: "vmbr1" } }) },
  { field: "bridge.name", format: "iface", make: (v) => new Network(`n${id++}`, { bridge: { node: "pve1", name: v } }) },
  { field: "bridge.ports[0]", format: "iface", make: (v) => new Network(`n${id++}`, { bridge: { node: "pve1", name: "vmbr1", ports: [v] } }) },
  { field: "vlan.interface", format: "iface", make: (v) => new Network(`n${id++}`, { vlan: { node: "pve1", interface: v, tag: 20, bridge: "vmbr20" } }) },
  { field: "sdn.zone", format: "sdnId", make: (v) => new Network(`n${id++}`, { sdn: { zone: v, cidr: "10.20.0.0/24", gateway: "10.20.0.1" } }) },
  { field: "sdn.vnet", format: "sdnId", make: (v) => new Network(`n${id++}`, { sdn: { zone: "lab", vnet: v, cidr: "10.20.0.0/24", gateway: "10.20.0.1" } }) },
  { field: "sdn.bridge", format: "bridge", make: (v) => new Network(`n${id++}`, { sdn: { zone: "lab", type: "vlan", bridge: v, tag: 20, cidr: "10.20.0.0/24", gateway: "10.20.0.1" } }) },
  { field: "sdn.nodes[0]", format: "node", make: (v) => new Network(`n${id++}`, { sdn: { zone: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1", nodes: [v] } }) },
  { field: "name", format: "firewallGroup", make: (v) => new FirewallGroup(`g${id++}`, { name: v, rules }) },
  { field: "description", format: "comment", make: (v) => new FirewallGroup(`g${id++}`, { name: `web${id}`, description: v, rules }) },
  { field: "rules[0].comment", format: "comment", make: (v) => new FirewallGroup(`g${id++}`, { name: `web${id}`, rules: [rule.allowIn({ protocol: "tcp", ports: [443], comment: v })] }) },
  { field: "rules[0].sources", format: "ipset", make: (v) => new FirewallGroup(`g${id++}`, { name: `web${id}`, rules: [rule.allowIn({ protocol: "tcp", ports: [22], from: [`+${v}`] })] }) },
  { field: "jobId", format: "configId", make: (v) => new BackupJob(`b${id++}`, { jobId: v, schedule: "daily", storage: "backups", retention: { keepDaily: 7 }, all: true }) },
  { field: "storage", format: "storage", make: (v) => new BackupJob(`b${id++}`, { schedule: "daily", storage: v, retention: { keepDaily: 7 }, all: true }) },
  { field: "node", format: "node", make: (v) => new BackupJob(`b${id++}`, { schedule: "daily", storage: "backups", node: v, retention: { keepDaily: 7 }, all: true }) },
  { field: "pool", format: "pool", make: (v) => new BackupJob(`b${id++}`, { schedule: "daily", storage: "backups", retention: { keepDaily: 7 }, pool: v }) },
];

const separators = [",", "=", ";", "\n", "\r\n", "\t", " ", "\u0000", "\u2028", "\u0085"];
/** A value each field accepts (comments: any short line). */
const validFor = (format: PveFormatKey | "comment"): fc.Arbitrary<string> =>
  format === "comment" ? fc.stringMatching(/^[A-Za-z0-9 .,:/_-]{0,40}$/) : fc.stringMatching(pveFormats[format].pattern).filter((v) => isPveValue(format, v));

describe("values written into Proxmox ids and property strings", () => {
  it("refuses, in every component field, a value carrying a separator, a line break or a control character, and registers nothing", async () => {
    const smuggled = fc
      .constantFrom(...fields)
      .chain((f) => fc.tuple(fc.constant(f), validFor(f.format), fc.constantFrom(...separators), fc.nat(), fc.constantFrom("", "tag=5", "bridge=vmbr9", "IN ACCEPT")));
    fc.assert(
      fc.property(smuggled, ([f, base, separator, at, payload]) => {
        const i = at % (base.length + 1);
        const value = `${base.slice(0, i)}${separator}${payload}${base.slice(i)}`;
        // A comment may hold ',', '=', ';' and spaces; only line breaks and control characters are refused there.
        if (f.format === "comment" && /^[,=; ]$/.test(separator)) return;
        let error: unknown;
        try {
          f.make(value);
        } catch (e) {
          error = e;
        }
        expect(error, `${f.field} = ${JSON.stringify(value)}`).toBeInstanceOf(HearthValidationError);
        // Refused for this field, not for something else.
        expect((error as HearthValidationError).field.startsWith(f.field), (error as Error).message).toBe(true);
      }),
      { numRuns: 400 },
    );
    await settle();
    expect(recorded).toEqual([]);
  });

  it("accepts, in every component field, generated values of the PVE format", () => {
    const claimed = new Set<string>();
    fc.assert(
      fc.property(
        fc.constantFrom(...fields).chain((f) => fc.tuple(fc.constant(f), validFor(f.format))),
        ([f, value]) => {
          // Hearth's own, stricter rules on top of PVE's (bridges of at most 10 characters, job
          // ids without '-') are tested with their components; here the values meet them too.
          const hostBridge = isPveValue("iface", value) && isPveValue("bridge", value) && value.length <= 10 && !/[.:]/.test(value);
          if ((f.field === "bridge.name" || f.field === "sdn.bridge") && !hostBridge) return;
          if (f.field === "jobId" && !/^[A-Za-z][A-Za-z0-9_]{1,40}$/.test(value)) return;
          if (f.field === "vlan.interface" && !isPveValue("iface", `${value}.20`)) return;
          // Group names and job ids are claimed once per program (a second one would overwrite the first).
          if (f.field === "name" || f.field === "jobId") {
            if (claimed.has(value.toLowerCase())) return;
            claimed.add(value.toLowerCase());
          }
          expect(() => f.make(value), `${f.field} = ${JSON.stringify(value)}`).not.toThrow();
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe("values Proxmox writes unquoted into its cloud-init user-data", () => {
  // qemu-server's cloudinit_userdata writes `user: <ciuser>`, `hostname: <name>` and `  - <key>`.
  const read11 = (text: string) => parseYaml(text, { version: "1.1" }) as Record<string, unknown>;
  const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO5r3bZ4n0sCdHq2wq0e2YwJ1k2oN3y5m8l6x8K2hQ7a";

  it("accepts a user, host name or key comment exactly when YAML 1.1 reads it back bare", () => {
    const userArb = fc.oneof(fc.constantFrom("yes", "no", "on", "off", "y", "n", "null", "true", "false", "hearth"), fc.stringMatching(/^[a-z_][a-z0-9_-]{0,6}$/)).filter((u) => u !== "root");
    const hostArb = fc.oneof(fc.constantFrom("yes", "off", "null", "0x1f", "017", "123", "0b101", "1e3", "web-1"), fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,6}[a-z0-9])?$/));
    const commentArb = fc.oneof(fc.constantFrom("me@laptop", "a: b", "x #y", "ok"), fc.stringMatching(/^[ -~]{1,12}$/));
    fc.assert(
      fc.property(userArb, hostArb, commentArb, (user, host, comment) => {
        const sshKey = `${key} ${comment}`;
        const bare = read11(`hostname: ${host}\nuser: ${user}\nssh_authorized_keys:\n  - ${sshKey}\n`);
        const same = bare.hostname === host && bare.user === user && (bare.ssh_authorized_keys as unknown[])[0] === sshKey;
        let error: unknown;
        try {
          new VmFromTemplate(`vm${id++}`, { node: "pve1", template, hostname: host, cloudInit: { user, sshKeys: [sshKey] } });
        } catch (e) {
          error = e;
        }
        if (same) expect(error).toBeUndefined();
        else expect(error).toBeInstanceOf(HearthValidationError);
      }),
      { numRuns: 150 },
    );
  });

  it("refuses a pre-hashed password Proxmox would write unquoted, without echoing it", () => {
    // qemu-server hashes a password unless it already looks like a crypt hash; a hash is written as it is.
    const make = () => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, cloudInit: { password: "$6$salt$hash\nruncmd: [reboot]" } });
    expect(make).toThrow(/cloudInit\.password "\[secret\]"/);
    expect(make).not.toThrow(/salt|reboot/);
    expect(() => new VmFromTemplate(`vm${id++}`, { node: "pve1", template, cloudInit: { password: "correct horse: battery\n" } })).not.toThrow();
  });
});

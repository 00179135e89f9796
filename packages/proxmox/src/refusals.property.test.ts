// Property tests: generated bad input to every Proxmox component is refused with a
// HearthValidationError before anything is registered (issue 12, class 2; the components
// validate before super() since the start, these tests keep it so), and a secret given to any
// field checked when it resolves never appears in the error (class 9).
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { rule } from "@hearth/core";
import { brokenArgs, cidrWithHostBits, nonCanonicalCidr, nonCanonicalIp, notAList, notAString, notAWholeNumber, notAnObject, optional, firewallRuleBreakages, validFirewallArgs } from "../../../test/support/badInputs.js";
import { expectAllRefused, expectSecretsNeverEchoed } from "../../../test/support/refused.js";
import { BackupJob, type BackupJobArgs } from "./backupJob.js";
import { CloudImageTemplate, type CloudImageTemplateArgs } from "./cloudImageTemplate.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network } from "./network.js";
import { installMocks, presets, recorded, resetMocks } from "@hearth/kit/testing";
import { VmFromTemplate, type VmFromTemplateArgs } from "./vmFromTemplate.js";
import { Volume, type VolumeArgs } from "./volume.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(resetMocks);
const runs = 100;

describe("Proxmox components refuse generated bad input and register nothing", () => {
  it("VmFromTemplate", async () => {
    const valid: VmFromTemplateArgs = {
      node: "pve1",
      template: { vmId: 9000, diskSizeGb: 10 },
      disks: [{ sizeGb: 20 }],
      networks: [{ networkId: "vmbr0", ipv4Address: "10.30.0.2/24", gateway: "10.30.0.1" }],
      cloudInit: { user: "ops", dns: { servers: ["10.30.0.1"] } },
      labels: { env: "lab" },
      backups: { schedule: "02:00", retention: { keepDaily: 7 } },
    };
    const bad = brokenArgs(valid, [
      ["template", notAnObject],
      ["template.vmId", notAWholeNumber],
      ["disks", optional(notAList)],
      ["disks.0.sizeGb", notAWholeNumber],
      ["networks", optional(notAList)],
      ["networks.0.ipv4Address", fc.oneof(nonCanonicalCidr, fc.constantFrom("10.30.0.0/24", "10.30.0.255/24", "2001:db8::2/64", "10.30.0.2"), notAString)],
      ["networks.0.gateway", fc.oneof(nonCanonicalIp, fc.constant("10.31.0.1"))],
      ["networks.0.networkId", fc.oneof(notAString.filter((v) => v !== undefined), fc.constantFrom("", "vmbr 0", "vmbr0,tag=1"))],
      ["networks.0.vlanTag", notAWholeNumber.filter((v) => v !== null)],
      ["cloudInit.dns.servers", fc.oneof(nonCanonicalIp.map((ip) => [ip]))],
      ["size", fc.oneof(fc.constantFrom("huge", "Small", ""), fc.record({ cores: fc.constant(2), memoryMb: fc.constant(2048) }))],
      ["cores", notAWholeNumber.filter((v) => v !== null && v !== undefined)],
      ["cloudInit.packages", fc.constantFrom(["nginx"], [])],
      ["cloudInit.runcmd", fc.constantFrom(["reboot"], [])],
      ["backups", fc.oneof(notAnObject.filter((v) => v !== undefined), fc.constant({ schedule: "whenever" }), fc.constant({ retention: {} }), fc.constant({ mode: "hot" }))],
      ["deleteProtection", fc.constantFrom("yes", 1, null)],
      ["labels", fc.oneof(notAnObject, fc.constant({ "hearth/component": "x" }), fc.constant({ "a.b": "c", "a-b": "c" }))],
      ["vmId", fc.oneof(notAWholeNumber.filter((v) => v !== null), fc.constantFrom(1, 99, 1_000_000_000))],
      // A component or an object where an id is expected.
      ["firewallGroups", fc.oneof(optional(notAList), fc.constantFrom(["9lives"], [{ groupName: "web" }], [""]))],
      ["networks.0", fc.constantFrom({ network: "lan" }, { bridge: "vmbr9" }, "vmbr0")],
      ["volumes", fc.oneof(notAList.filter((v) => v !== null), fc.constantFrom([{ volumeId: "local:iso/x.iso" }], [{ volumeId: "local-lvm:vm-900-disk-0", mountPath: "/srv" }], [{}], ["local-lvm:vm-900-disk-0"]))],
    ]);
    expect(await expectAllRefused(recorded, bad, ({ args }) => new VmFromTemplate("web-1", args), runs)).toBe(runs);
  });

  it("Volume", async () => {
    const valid: VolumeArgs = { node: "pve1", sizeGb: 10, storage: "local-lvm", vmId: 900, labels: { app: "db" } };
    const bad = brokenArgs(valid, [
      ["node", fc.oneof(notAString, fc.constantFrom("pve 1", ""))],
      ["sizeGb", notAWholeNumber],
      ["storage", fc.oneof(notAString.filter((v) => v !== undefined), fc.constantFrom("-lvm", "a", "x y"))],
      ["vmId", fc.oneof(notAWholeNumber.filter((v) => v !== null && v !== undefined), fc.constantFrom(1, 99, 1_000_000_000))],
      ["filesystem", fc.constantFrom("ext4", "xfs", "btrfs", 1)],
      ["deleteProtection", fc.constantFrom("yes", 1, null)],
      ["allowReplacement", fc.constantFrom("yes", 0, null)],
      ["labels", fc.oneof(notAnObject, fc.constant({ "hearth/component": "x" }))],
      ["name", fc.constantFrom("Data", "-data", "a_b", "", 7)],
    ]);
    expect(await expectAllRefused(recorded, bad, ({ args }) => new Volume("data", args), runs)).toBe(runs);
  });

  it("CloudImageTemplate", async () => {
    const valid: CloudImageTemplateArgs = { node: "pve1", imageUrl: "https://cloud.debian.org/images/cloud/bookworm/latest/debian-12-genericcloud-amd64.qcow2", vmId: 9000 };
    const bad = brokenArgs(valid, [
      ["vmId", notAWholeNumber],
      ["diskSizeGb", notAWholeNumber.filter((v) => v !== null)],
      ["labels", fc.oneof(notAnObject, fc.constant({ "hearth/managed-by": "me" }))],
    ]);
    expect(await expectAllRefused(recorded, bad, ({ args }) => new CloudImageTemplate("debian-12", args), runs)).toBe(runs);
  });

  it("Network", async () => {
    const sdn = { zone: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1" };
    const bad = fc.oneof(
      brokenArgs({ sdn }, [
        ["sdn.cidr", fc.oneof(nonCanonicalCidr, cidrWithHostBits, notAString)],
        ["sdn.gateway", fc.oneof(nonCanonicalIp, fc.constant("10.21.0.1"), notAString)],
        ["sdn", notAnObject],
      ]),
      brokenArgs({ bridge: { node: "pve1", name: "vmbr1", cidr: "192.168.10.2/24" } }, [
        ["bridge.cidr", fc.oneof(nonCanonicalCidr, fc.constantFrom("192.168.10.0/24", "192.168.10.255/24"), optional(notAString))],
        ["bridge.ports", optional(notAList)],
      ]),
      brokenArgs({ vlan: { node: "pve1", interface: "eno1", tag: 20, bridge: "vmbr9" } }, [["vlan.tag", notAWholeNumber]]),
    );
    expect(await expectAllRefused(recorded, bad, ({ args }) => new Network("lan", args as never), runs)).toBe(runs);
  });

  it("FirewallGroup", async () => {
    const bad = brokenArgs(validFirewallArgs, [
      ...firewallRuleBreakages,
      ["rules.0", fc.constantFrom(22, 3128, 3389, 5950, 8006).map((port) => rule.allowIn({ protocol: "any", ports: [port], from: ["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"] }))],
    ]);
    expect(await expectAllRefused(recorded, bad, ({ args }) => new FirewallGroup("web", args as never), runs)).toBe(runs);
  });

  it("BackupJob", async () => {
    const valid: BackupJobArgs = { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7 }, pool: "lab" };
    const bad = brokenArgs(valid, [
      ["retention", notAnObject],
      ["retention.keepDaily", notAWholeNumber.filter((v) => v !== null)],
      ["pool", fc.constantFrom("", "a b")],
      ["all", fc.constantFrom(true, "yes", 1)],
      ["lockWaitMinutes", notAWholeNumber.filter((v) => v !== null && v !== undefined)],
      ["jobId", fc.oneof(fc.constantFrom("1x", "has-dash", ""), optional(notAString))],
    ]);
    // The old selections by VM are refused with the way to the VM's backups.
    const badVms = brokenArgs({ ...valid, pool: undefined, all: true }, [["vmIds", fc.constantFrom([101], [])], ["vms", fc.constantFrom(["web-1"], [{ vmId: 101 }])]]);
    expect(await expectAllRefused(recorded, badVms, ({ args }) => new BackupJob("nightly", args as never), 20)).toBe(20);
    expect(await expectAllRefused(recorded, bad, ({ args }) => new BackupJob("nightly", args), runs)).toBe(runs);
  });

  it("refuses two backup jobs whose ids normalize to the same string, and two security groups with one name", () => {
    new BackupJob("web-db", { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7 }, pool: "a" });
    expect(() => new BackupJob("web_db", { schedule: "*-*-* 03:00", storage: "backups", retention: { keepDaily: 7 }, pool: "b" })).toThrow(
      /BackupJob "web-db" already uses the Proxmox backup job id "hearth_web_db"/,
    );
    // A VM's own job takes part in the same claim: VM "web" derives hearth_web_backup.
    new BackupJob("web-backup", { schedule: "daily", retention: { keepDaily: 7 }, all: true });
    expect(() => new VmFromTemplate("web", { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, backups: {} })).toThrow(/hearth_web_backup/);
    new FirewallGroup("lan-a", { name: "lan", rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    expect(() => new FirewallGroup("lan-b", { name: "lan", rules: [rule.allowIn({ protocol: "tcp", ports: [80] })] })).toThrow(/already uses the Proxmox security group name "lan"/);
  });
});

describe("Proxmox components never echo a secret", () => {
  it("in the error of any field checked when it resolves", async () => {
    const cases = await expectSecretsNeverEchoed({
      components: ["late-sec-a", "late-sec-b", "late-sec-c", "late-sec-d"],
      create: (secret, hidden) => {
        // A password too short to pass (under 8 characters), still unmistakable in a message.
        const shortPassword = `Q7#${secret.slice(0, 3)}`;
        new VmFromTemplate("late-sec-a", { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, vmId: pulumi.secret(Number(`0.${secret.length}`)) as never });
        new VmFromTemplate("late-sec-b", { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, cloudInit: { password: pulumi.secret(shortPassword) } });
        new BackupJob("late-sec-c", { schedule: hidden, storage: "backups", retention: { keepDaily: 7 }, all: true });
        new VmFromTemplate("late-sec-d", { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, backups: { storage: pulumi.secret(` ${secret}`) } });
        return [shortPassword];
      },
      numRuns: 10,
    });
    expect(cases).toBe(40);
  }, 120_000);
});

import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { BackupJob } from "./backupJob.js";
import { Container } from "./container.js";
import { Storage, storageTypeFacts, StorageType, type StorageArgs } from "./storage.js";
import { cloneQueue, VmFromTemplate } from "./vmFromTemplate.js";
import { vmIdRegistry } from "./vmIds.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(async () => {
  await resetMocks();
  cloneQueue().clear();
  vmIdRegistry().clear();
});

const types = {
  directory: "proxmoxve:storage/directory:Directory",
  nfs: "proxmoxve:storage/nfs:Nfs",
  cifs: "proxmoxve:storage/cifs:Cifs",
  zfsPool: "proxmoxve:storage/zfspool:Zfspool",
  lvmThin: "proxmoxve:storage/lvmthin:Lvmthin",
  pbs: "proxmoxve:storage/pbs:Pbs",
} as const;
const FINGERPRINT = Array.from({ length: 32 }, (_, i) => (i * 7).toString(16).padStart(2, "0").slice(-2)).join(":");
let n = 0;
const unique = (prefix: string) => `${prefix}${++n}`;

describe("Storage", () => {
  it("defines each type with its own provider resource, Proxmox's default content and the storage id", async () => {
    const cases: [StorageArgs, string, Record<string, unknown>][] = [
      [{ type: "directory", directory: { path: "/mnt/dir" } }, types.directory, { path: "/mnt/dir", contents: ["images", "rootdir"], shared: false, disable: false }],
      [{ type: "nfs", nfs: { server: "nas.lan", export: "/export/pve", options: "vers=4.2" } }, types.nfs, { server: "nas.lan", export: "/export/pve", options: "vers=4.2", contents: ["images"] }],
      [{ type: "zfsPool", zfsPool: { pool: "tank/vm", thinProvision: true, blockSize: "16k" } }, types.zfsPool, { zfsPool: "tank/vm", thinProvision: true, blocksize: "16k", contents: ["images", "rootdir"] }],
      [{ type: "lvmThin", lvmThin: { volumeGroup: "pve", thinPool: "data" }, nodes: ["pve1"] }, types.lvmThin, { volumeGroup: "pve", thinPool: "data", nodes: ["pve1"] }],
    ];
    for (const [args, type, inputs] of cases) {
      const id = unique("st");
      const { transformation, children } = captureChildren();
      const storage = new Storage(id, args, { transformations: [transformation] });
      expect(children.map((c) => [c.type, c.name, c.opts.parent])).toEqual([[type, id, storage]]);
      expect(await value(storage.storageId)).toBe(id);
      await settle();
      expect(recordedOf(type).at(-1)?.inputs).toMatchObject({ resourceId: id, ...inputs });
    }
  });

  it("keeps CIFS and PBS passwords, the PBS fingerprint and encryption key secret, in inputs and outputs", async () => {
    const { transformation, children } = captureChildren();
    new Storage("share", { type: "cifs", content: ["backup", "iso"], cifs: { server: "nas.lan", share: "pve", username: "pve", password: "cifs-pass-1", domain: "LAN" } }, { transformations: [transformation] });
    new Storage("pbs", { type: "pbs", storageId: "pbs-main", pbs: { server: "pbs.lan", datastore: "main", username: "backup@pbs", password: "pbs-pass-1", fingerprint: FINGERPRINT, encryptionKey: '{"kdf":null}' } }, { transformations: [transformation] });
    const cifs = children.find((c) => c.type === types.cifs)!;
    const pbs = children.find((c) => c.type === types.pbs)!;
    expect(await pulumi.isSecret(cifs.props.password)).toBe(true);
    for (const k of ["password", "fingerprint", "encryptionKey"]) expect(await pulumi.isSecret(pbs.props[k]), k).toBe(true);
    expect(cifs.opts.additionalSecretOutputs).toEqual(expect.arrayContaining(["password"]));
    expect(pbs.opts.additionalSecretOutputs).toEqual(expect.arrayContaining(["password", "fingerprint", "encryptionKey", "generatedEncryptionKey"]));
    await settle();
    expect(recordedOf(types.pbs)[0]?.inputs).toMatchObject({ resourceId: "pbs-main", contents: ["backup"], datastore: "main", username: "backup@pbs" });
    expect(recordedOf(types.cifs)[0]?.inputs).toMatchObject({ contents: ["backup", "iso"], domain: "LAN" });
  });

  it.each<[string, Partial<StorageArgs> & Record<string, unknown>, RegExp]>([
    ["an unknown type", { type: "ceph" as never }, /type "ceph"/],
    ["a type without its block", { type: "nfs", directory: undefined }, /nfs .*needs its settings: nfs: \{ server, export \}/],
    ["another type's block", { nfs: { server: "nas", export: "/x" } }, /nfs .*go with type: "nfs"/],
    ["content the type cannot hold", { type: "zfsPool", directory: undefined, zfsPool: { pool: "tank" }, content: ["backup"] }, /content\[0\] "backup"/],
    ["an empty content list", { content: [] }, /content/],
    ["a relative path", { directory: { path: "mnt/dir" } }, /directory\.path "mnt\/dir"/],
    ["shared on NFS", { type: "nfs", directory: undefined, nfs: { server: "nas", export: "/x" }, shared: true }, /always shared/],
    ["a bad storage id", { storageId: "1st" }, /storageId "1st"/],
    ["an unknown setting", { directory: { path: "/x", mode: "0755" } as never }, /directory\.mode/],
    ["a bad node", { nodes: ["pve 1"] }, /nodes\[0\]/],
  ])("refuses %s and creates nothing", async (_label, extra, message) => {
    await expectRefused(() => new Storage(unique("bad"), { type: "directory", directory: { path: "/mnt/x" }, ...extra } as StorageArgs), message);
  });

  it("never shows a password or fingerprint in an error, now or when it resolves", async () => {
    const error = await expectRefused(() => new Storage(unique("p"), { type: "pbs", pbs: { server: "pbs", datastore: "d", username: "u@pbs", password: "", fingerprint: "not-a-fingerprint-secret" } }), /pbs\.fingerprint/);
    expect(String(error)).not.toContain("not-a-fingerprint-secret");
    expect(String(error)).toContain("[secret]");
    const errors = await late(() => value(new Storage(unique("q"), { type: "pbs", pbs: { server: "pbs", datastore: "d", username: "u@pbs", password: "p", fingerprint: pulumi.secret("zz-secret-zz") } }).storageId)).catch((e: Error) => e);
    expect(String(errors)).toMatch(/pbs\.fingerprint/);
    expect(String(errors)).not.toContain("zz-secret-zz");
  });

  it("a backup job or a VM's backups must go to a storage that holds backups, when it is defined here", async () => {
    new Storage("vmstore", { type: "zfsPool", zfsPool: { pool: "tank" } });
    new Storage("dumps", { type: "directory", directory: { path: "/mnt/dumps" }, content: ["backup"] });
    await expectRefused(() => new BackupJob(unique("job"), { schedule: "daily", retention: { keepDaily: 7 }, all: true, storage: "vmstore" }), /storage "vmstore" .*zfsPool.* not backup/);
    expect(() => new BackupJob(unique("job"), { schedule: "daily", retention: { keepDaily: 7 }, all: true, storage: "dumps" })).not.toThrow();
    await expectRefused(() => new VmFromTemplate(unique("vm"), { node: "pve1", template: { vmId: 9000 }, backups: { storage: "vmstore", schedule: "daily" } }), /backups\.storage "vmstore"/);
  });

  it("a VM's disks need a storage that holds images, a container's volumes one that holds rootdir, when it is defined here", async () => {
    new Storage("isos", { type: "nfs", nfs: { server: "nas", export: "/isos" }, content: ["iso", "images"] });
    new Storage("ctonly", { type: "directory", directory: { path: "/mnt/ct" }, content: ["rootdir"] });
    await expectRefused(() => new VmFromTemplate(unique("vm"), { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, storage: "ctonly" }), /storage "ctonly" .*holds rootdir, not images, which a VM disk needs/);
    await expectRefused(() => new VmFromTemplate(unique("vm"), { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, disks: [{ sizeGb: 10 }, { sizeGb: 5, storage: "ctonly" }] }), /disks\[1\]\.storage "ctonly"/);
    await expectRefused(() => new Container(unique("ct"), { node: "pve1", template: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", storage: "isos" }), /storage "isos" .*not rootdir, which a container volume needs/);
    expect(() => new VmFromTemplate(unique("vm"), { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, storage: "isos", vmId: 4400 })).not.toThrow();
    expect(() => new Container(unique("ct"), { node: "pve1", template: "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst", storage: "ctonly", vmId: 4401 })).not.toThrow();
  });

  it("any type with content from its allowed list and nodes is accepted; content outside it is refused (generated)", async () => {
    const typeArb = fc.constantFrom(...Object.values(StorageType));
    const blockOf = (t: StorageType): Record<string, unknown> =>
      ({
        directory: { path: "/mnt/d" },
        nfs: { server: "nas", export: "/e" },
        cifs: { server: "nas", share: "s", username: "u", password: "p" },
        zfsPool: { pool: "tank" },
        lvmThin: { volumeGroup: "pve", thinPool: "data" },
        pbs: { server: "pbs", datastore: "d", username: "u@pbs", password: "p" },
      })[t];
    await fc.assert(
      fc.asyncProperty(typeArb, fc.subarray(["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "import"] as const, { minLength: 1 }), async (type, content) => {
        const allowed = storageTypeFacts[type].allowed;
        const make = () => new Storage(unique("g"), { type, [type]: blockOf(type), content: [...content] } as unknown as StorageArgs);
        if (content.every((c) => allowed.includes(c))) expect(make).not.toThrow();
        else await expectRefused(make, /content\[\d+\]/);
      }),
      { numRuns: 40 },
    );
  });
});

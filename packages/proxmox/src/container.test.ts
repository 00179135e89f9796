import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HearthValidationError, rule, type ArgsConform, type VmArgs } from "@hearth/core";
import { Container, firstAddress, type ContainerArgs } from "./container.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Image } from "./image.js";
import { OciImage } from "./ociImage.js";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, proxmoxTypes as types, recorded, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { vmIdRegistry } from "./vmIds.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(async () => {
  await resetMocks();
  vmIdRegistry().clear();
});

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthTestKeyOnlyForUnitTests ops@laptop";
const tpl = "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst";
const base: ContainerArgs = { node: "pve1", template: tpl };

describe("Container", () => {
  it("creates an unprivileged LXC container from the template with the contract's outputs", async () => {
    const ct = new Container("cache", {
      ...base,
      cores: 2,
      memoryMb: 1024,
      swapMb: 256,
      rootDiskGb: 12,
      mountPoints: [{ path: "/srv/data", sizeGb: 20, storage: "tank", backup: true }],
      networks: [{ networkId: "vmbr0", vlanTag: 20 }, { networkId: "vmbr1", ipv4Address: "10.30.0.2/24", gateway: "10.30.0.1" }],
      sshKeys: [key],
      features: { nesting: true },
      dns: { servers: ["10.30.0.1"], domain: "home.arpa" },
      vmId: 301,
      labels: { env: "lab" },
      pool: "lab",
    });
    expect(await value(ct.vmId)).toBe(301);
    expect(await value(ct.instanceId)).toBe("301");
    expect(await value(ct.hostname)).toBe("cache");
    expect(await value(ct.node)).toBe("pve1");
    expect(await value(ct.ipv4Address)).toBe("10.20.0.40");
    expect(await value(ct.labels)).toEqual({ env: "lab", "hearth/stack": "test", "hearth/component": "Container", "hearth/managed-by": "hearth" });
    await settle();
    const [c] = recordedOf(types.container);
    expect(c?.name).toBe("cache");
    expect(c?.inputs).toMatchObject({
      nodeName: "pve1",
      vmId: 301,
      poolId: "lab",
      unprivileged: true,
      features: { nesting: true },
      started: true,
      startOnBoot: true,
      cpu: { cores: 2 },
      memory: { dedicated: 1024, swap: 256 },
      disk: { datastoreId: "local-lvm", size: 12 },
      mountPoints: [{ volume: "tank", size: "20G", path: "/srv/data", backup: true }],
      networkInterfaces: [
        { name: "eth0", bridge: "vmbr0", firewall: true, vlanId: 20 },
        { name: "eth1", bridge: "vmbr1", firewall: true },
      ],
      operatingSystem: { templateFileId: tpl },
      initialization: {
        hostname: "cache",
        ipConfigs: [{ ipv4: { address: "dhcp" } }, { ipv4: { address: "10.30.0.2/24", gateway: "10.30.0.1" } }],
        dns: { servers: ["10.30.0.1"], domain: "home.arpa" },
        userAccount: { keys: [key] },
      },
    });
    expect(c?.inputs.tags).toEqual(expect.arrayContaining(["env-lab"]));
    expect(recordedOf(types.rules)).toEqual([]);
    expect(recordedOf(types.backupJob)).toEqual([]);
  });

  it("defaults: small size, DHCP on vmbr0, 8 GB root disk, 512 MB swap, unprivileged, no features, started and on boot", async () => {
    new Container("plain", base);
    await settle();
    const [c] = recordedOf(types.container);
    expect(c?.inputs).toMatchObject({
      unprivileged: true,
      cpu: { cores: 1 },
      memory: { dedicated: 2048, swap: 512 },
      disk: { datastoreId: "local-lvm", size: 8 },
      networkInterfaces: [{ name: "eth0", bridge: "vmbr0", firewall: true }],
      started: true,
      startOnBoot: true,
    });
    expect(c?.inputs.features).toBeUndefined();
    expect(c?.inputs.mountPoints).toEqual([]);
  });

  it("joins firewall groups by groupId and backs itself up with its own vzdump job", async () => {
    const web = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    const { transformation, children } = captureChildren();
    new Container(
      "app",
      { ...base, vmId: 302, firewallGroups: [web.groupId], backups: { schedule: "*-*-* 02:00", storage: "backups", retention: { keepDaily: 7 } }, deleteProtection: true },
      { transformations: [transformation] },
    );
    await settle();
    expect(children.map((c) => c.name)).toEqual(["app", "app-fw", "app-fw-options", "app-backup"]);
    const [rules] = recordedOf(types.rules);
    expect(rules?.inputs).toMatchObject({ nodeName: "pve1", containerId: 302, rules: [{ securityGroup: "web", enabled: true }] });
    expect(rules?.inputs.vmId).toBeUndefined();
    expect(recordedOf(types.options)[0]?.inputs).toMatchObject({ containerId: 302, enabled: true, inputPolicy: "DROP", outputPolicy: "ACCEPT" });
    expect(recordedOf(types.backupJob)[0]?.inputs).toMatchObject({ vmids: ["302"], storage: "backups", schedule: "*-*-* 02:00" });
    expect(recordedOf(types.container)[0]?.inputs.protection).toBe(true);
  });

  it("keeps the root password secret end to end and never echoes a rejected one", async () => {
    const { transformation, children } = captureChildren();
    new Container("db", { ...base, rootPassword: "correct horse battery" }, { transformations: [transformation] });
    const init = children.find((c) => c.type === types.container)!.props.initialization;
    expect(await pulumi.isSecret(pulumi.output(init))).toBe(true);
    expect(await pulumi.isSecret(pulumi.output(init).apply((i: { userAccount: { password: string } }) => i.userAccount.password))).toBe(true);
    await settle();
    const error = await expectRefused(() => new Container("db2", { ...base, rootPassword: "abcd" }), /rootPassword/);
    expect(String(error)).toContain("[secret]");
    expect(String(error)).not.toContain("abcd");
  });

  it("takes every value the contract allows under the contract's names (cloud-init aside)", () => {
    // `volumes` (the contract's, 2026-11) reaches containers as mount points separately.
    const conforms: ArgsConform<Omit<VmArgs, "cloudInit" | "volumes">, ContainerArgs> = true;
    expect(conforms).toBe(true);
  });

  it("reports every problem at once, before registering anything", async () => {
    const error = await expectRefused(
      () =>
        new Container("bad", {
          node: "pve1",
          template: "local:iso/debian.iso",
          cores: 0,
          memoryMb: 1024,
          swapMb: -1,
          rootDiskGb: 0,
          mountPoints: [{ path: "relative", sizeGb: 1 }, { path: "/a", sizeGb: 1 }, { path: "/a", sizeGb: 1 }],
          networks: [{ networkId: "vmbr0", gateway: "10.0.0.1" }],
          unprivileged: false,
          features: { keyctl: true },
        }),
      /template/,
    );
    expect(error.problems.map((p) => p.field).sort()).toEqual(
      ["cores", "features.keyctl", "mountPoints[0].path", "mountPoints[2].path", "networks[0].gateway", "rootDiskGb", "swapMb", "template"].sort(),
    );
  });

  it("refuses any feature flag that is not a boolean, and unknown features (property)", async () => {
    const notBool = fc.oneof(fc.string(), fc.integer(), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("nesting", "keyctl", "fuse", "mount", "mknod"), notBool, async (flag, v) => {
        recorded.length = 0;
        const features = { [flag]: ["nesting", "keyctl", "fuse"].includes(flag) ? v : true } as never;
        const error = await expectRefused(() => new Container("f", { ...base, features }), /features/);
        expect(error.problems.map((p) => p.field)).toEqual([`features.${flag}`]);
      }),
      { numRuns: 40 },
    );
  });

  it("refuses template volume ids that are not container templates (property)", async () => {
    const bad = fc.oneof(
      fc.constantFrom("local:iso/debian-12.iso", "debian-12-standard_12.7-1_amd64.tar.zst", "local:vztmpl/", "local:images/debian.tar.zst", ""),
      fc.string().filter((s) => !s.includes(":vztmpl/")),
    );
    await fc.assert(
      fc.asyncProperty(bad, async (template) => {
        recorded.length = 0;
        await expectRefused(() => new Container("t", { ...base, template }), /template/);
      }),
      { numRuns: 60 },
    );
  });

  it("accepts any mount point set of distinct absolute paths and sizes (property)", async () => {
    const seg = fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/);
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.array(seg, { minLength: 1, maxLength: 3 }).map((p) => `/${p.join("/")}`), { maxLength: 5 }), fc.integer({ min: 1, max: 500 }), async (paths, gb) => {
        recorded.length = 0;
        vmIdRegistry().clear();
        new Container("m", { ...base, mountPoints: paths.map((path) => ({ path, sizeGb: gb })) });
        await settle();
        expect(recordedOf(types.container)[0]?.inputs.mountPoints).toEqual(paths.map((path) => ({ volume: "local-lvm", size: `${gb}G`, path })));
      }),
      { numRuns: 10 },
    );
  });

  it("launches from an Image's or OciImage's volumeId, and a new image version does not replace it unless asked", async () => {
    const { transformation, children } = captureChildren();
    const image = new Image("debian-tpl", { node: "pve1", content: "vztmpl", url: "http://download.proxmox.com/images/system/debian-13-standard_13.1-2_amd64.tar.zst" });
    const oci = new OciImage("alpine", { node: "pve1", reference: "docker.io/library/alpine:3.22" });
    new Container("kept", { ...base, template: image.volumeId }, { transformations: [transformation] });
    new Container("renewed", { ...base, template: oci.volumeId, replaceOnImageChange: true }, { transformations: [transformation] });
    await settle();
    const kept = recordedOf(types.container).find((r) => r.name === "kept");
    const renewed = recordedOf(types.container).find((r) => r.name === "renewed");
    expect(kept?.inputs.operatingSystem).toEqual({ templateFileId: "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst" });
    expect(renewed?.inputs.operatingSystem).toEqual({ templateFileId: "local:vztmpl/alpine_3.22.tar" });
    // The provider replaces a container whose template_file_id changes: ignored unless the user opts in.
    expect(children.find((c) => c.name === "kept")?.opts.ignoreChanges).toEqual(["operatingSystem"]);
    expect(children.find((c) => c.name === "renewed")?.opts.ignoreChanges).toEqual([]);
    // No fixed id: a replacement gets a new id, made before the old container goes.
    expect(children.find((c) => c.name === "renewed")?.opts.deleteBeforeReplace).toBeUndefined();
  });

  it("replaces a container with a fixed id delete-first (the provider would adopt the old one and the engine delete it)", async () => {
    const { transformation, children } = captureChildren();
    new Container("fixed", { ...base, vmId: 340, replaceOnImageChange: true }, { transformations: [transformation] });
    new Container("ranged", { ...base, vmIdRange: { from: 400, to: 499 } }, { transformations: [transformation] });
    await settle();
    expect(children.find((c) => c.name === "fixed")?.opts.deleteBeforeReplace).toBe(true);
    expect(children.find((c) => c.name === "ranged")?.opts.deleteBeforeReplace).toBe(true);
  });

  it("refuses an Image's volume of another content type when it resolves", async () => {
    const iso = new Image("iso", { node: "pve1", content: "iso", url: "https://example.org/debian-13.iso" });
    await expect(late(() => value(new Container("wrong", { ...base, template: iso.volumeId }).vmId))).rejects.toThrow(/template "local:iso\/debian-13.iso" is not valid; use a vztmpl volume/);
  });

  it("reads the first address per card, eth0 first, without loopback or DHCP placeholders", () => {
    expect(firstAddress({ eth10: "10.0.0.10", eth2: "10.0.0.2" })).toBe("10.0.0.2");
    expect(firstAddress({ eth0: "dhcp", eth1: "192.168.1.5/24" })).toBe("192.168.1.5");
    expect(firstAddress({ lo: "127.0.0.1" })).toBeUndefined();
    expect(firstAddress(undefined)).toBeUndefined();
  });

  it("is a HearthValidationError for args that are not an object", () => {
    expect(() => new Container("x", undefined as never)).toThrow(HearthValidationError);
  });
});

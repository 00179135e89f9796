import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HearthValidationError, rule, type ArgsConform, type VmArgs } from "@hearth/core";
import { CloudImageTemplate } from "./cloudImageTemplate.js";
import { FirewallGroup } from "./firewallGroup.js";
import { Network } from "./network.js";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, proxmoxTypes as types, recorded, recordedOf, resetMocks, settle } from "@hearth/kit/testing";
import { cloneQueue, defaultClonesPerStorage, flattenAddresses, VmFromTemplate, type VmFromTemplateArgs } from "./vmFromTemplate.js";
import { homeSlot, vmIdRegistry } from "./vmIds.js";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(async () => {
  await resetMocks();
  cloneQueue().clear();
  vmIdRegistry().clear();
});

const key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthTestKeyOnlyForUnitTests ops@laptop";
const base: VmFromTemplateArgs = { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 } };

describe("VmFromTemplate", () => {
  it("clones the template with cloud-init through the API and a bounded agent wait", async () => {
    const { transformation, children } = captureChildren();
    const vm = new VmFromTemplate(
      "web-1",
      {
        ...base,
        size: "medium",
        disks: [{ sizeGb: 20 }, { sizeGb: 100, storage: "tank" }],
        networks: [{ networkId: "vmbr0", vlanTag: 20 }, { networkId: "vmbr1", ipv4Address: "10.30.0.2/24", gateway: "10.30.0.1" }],
        cloudInit: { user: "ops", sshKeys: [key], dns: { servers: ["10.30.0.1"], domain: "home.arpa" } },
        vmId: 201,
        labels: { env: "lab" },
        pool: "lab",
      },
      { transformations: [transformation] },
    );
    expect(await value(vm.vmId)).toBe(201);
    expect(await value(vm.instanceId)).toBe("201");
    expect(await value(vm.hostname)).toBe("web-1");
    expect(await value(vm.name)).toBe("web-1");
    expect(await value(vm.labels)).toEqual({ env: "lab", "hearth/stack": "test", "hearth/component": "VmFromTemplate", "hearth/managed-by": "hearth" });
    expect(await value(vm.node)).toBe("pve1");
    expect(await value(vm.ipv4Addresses)).toEqual(["10.20.0.15", "10.30.0.2"]);
    expect(await value(vm.ipv4Address)).toBe("10.20.0.15");
    await settle();

    const [machine] = recordedOf(types.vm);
    expect(machine?.name).toBe("web-1");
    expect(machine?.inputs).toMatchObject({
      nodeName: "pve1",
      vmId: 201,
      name: "web-1",
      poolId: "lab",
      started: true,
      onBoot: true,
      clone: { vmId: 9000, full: true, datastoreId: "local-lvm" },
      cpu: { cores: 2 },
      memory: { dedicated: 4096 },
      agent: { enabled: true, timeout: "2m" },
      serialDevices: [{ device: "socket" }],
    });
    expect(machine?.inputs.tags).toEqual(["env-lab", "hearth-component-vmfromtemplate", "hearth-managed-by-hearth", "hearth-stack-test"]);
    expect(machine?.inputs.disks).toEqual([
      expect.objectContaining({ interface: "scsi0", size: 20, datastoreId: "local-lvm" }),
      expect.objectContaining({ interface: "scsi1", size: 100, datastoreId: "tank" }),
    ]);
    expect(machine?.inputs.networkDevices).toEqual([
      expect.objectContaining({ bridge: "vmbr0", vlanId: 20, firewall: true, model: "virtio" }),
      expect.objectContaining({ bridge: "vmbr1", firewall: true, model: "virtio" }),
    ]);
    expect(machine?.inputs.initialization).toMatchObject({
      interface: "ide2",
      userAccount: { username: "ops", keys: [key] },
      ipConfigs: [{ ipv4: { address: "dhcp" } }, { ipv4: { address: "10.30.0.2/24", gateway: "10.30.0.1" } }],
      dns: { servers: ["10.30.0.1"], domain: "home.arpa" },
    });
    // No snippet (user data file) in the default path: nothing that needs SSH to the node.
    expect(machine?.inputs.initialization.userDataFileId).toBeUndefined();
    expect(children.map((c) => c.opts.parent)).toEqual([vm]);
    // The provider's perpetual speed diff is ignored on exactly the disks Hearth sets (muhlba91/pulumi-proxmoxve#664).
    expect(children[0]?.opts.ignoreChanges).toEqual(["disks[0].speed", "disks[1].speed"]);
    // Without firewall groups the VM firewall is left alone.
    expect(recordedOf(types.rules)).toEqual([]);
  });

  it("keeps a password secret end to end", async () => {
    const { transformation, children } = captureChildren();
    new VmFromTemplate("db", { ...base, cloudInit: { password: "correct horse battery" } }, { transformations: [transformation] });
    const init = children.find((c) => c.type === types.vm)!.props.initialization;
    expect(await pulumi.isSecret(pulumi.output(init))).toBe(true);
    await settle();
  });

  it("never echoes a rejected password", () => {
    let error: unknown;
    try {
      new VmFromTemplate("db", { ...base, cloudInit: { password: "short" } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HearthValidationError);
    expect(String(error)).toContain("[secret]");
    expect(String(error)).not.toContain("short");
  });

  it("uses a user-data snippet only when asked to", async () => {
    new VmFromTemplate("snippet", { ...base, cloudInit: { userDataFileId: "local:snippets/web.yaml" } });
    await settle();
    const init = recordedOf(types.vm).find((r) => r.name === "snippet")?.inputs.initialization;
    expect(init.userDataFileId).toBe("local:snippets/web.yaml");
    expect(init.userAccount).toBeUndefined();
  });

  it("attaches firewall groups through VM rules and enables the VM firewall", async () => {
    const web = new FirewallGroup("web", { rules: [rule.allowIn({ protocol: "tcp", ports: [443] })] });
    const { transformation, children } = captureChildren();
    const vm = new VmFromTemplate("web-2", { ...base, vmId: 202, firewallGroups: [web.groupId, "ssh_lan"] }, { transformations: [transformation] });
    await value(vm.vmId);
    await settle();
    expect(recordedOf(types.rules)[0]).toMatchObject({ name: "web-2-fw", inputs: { nodeName: "pve1", vmId: 202, rules: [{ securityGroup: "web", enabled: true }, { securityGroup: "ssh_lan", enabled: true }] } });
    expect(recordedOf(types.options)[0]).toMatchObject({ name: "web-2-fw-options", inputs: { nodeName: "pve1", vmId: 202, enabled: true, inputPolicy: "DROP" } });
    expect(children.map((c) => c.name)).toEqual(["web-2", "web-2-fw", "web-2-fw-options"]);
    expect(children.every((c) => c.opts.parent === vm)).toBe(true);
  });

  it("attaches NICs to a Network's networkId (a bridge or VNet)", async () => {
    const lab = new Network("lab", { sdn: { zone: "lab", cidr: "10.20.0.0/24", gateway: "10.20.0.1" } });
    new VmFromTemplate("app", { ...base, networks: [{ networkId: lab.networkId, firewall: false, model: "e1000" }] });
    await settle();
    expect(recordedOf(types.vm)[0]?.inputs.networkDevices).toEqual([expect.objectContaining({ bridge: "lab", firewall: false, model: "e1000" })]);
  });

  it("accepts explicit cores and memory", async () => {
    new VmFromTemplate("big", { ...base, cores: 6, memoryMb: 12288 });
    await settle();
    expect(recordedOf(types.vm)[0]?.inputs).toMatchObject({ cpu: { cores: 6 }, memory: { dedicated: 12288 } });
  });

  it("clones from a CloudImageTemplate on its node and waits for it", async () => {
    const tpl = new CloudImageTemplate("debian-12", { node: "pve2", imageUrl: "https://example.org/debian-12.qcow2", vmId: 9100, diskSizeGb: 12 });
    new VmFromTemplate("c1", { node: "pve1", template: tpl.ref, disks: [{ sizeGb: 12 }] });
    await settle();
    const clone = recordedOf(types.vm).find((r) => r.name === "c1");
    expect(clone?.inputs.clone).toMatchObject({ vmId: 9100, nodeName: "pve2", full: true });
    expect(() => new VmFromTemplate("c2", { node: "pve1", template: tpl.ref, disks: [{ sizeGb: 8 }] })).toThrow(
      /VmFromTemplate "c2": disks\[0\]\.sizeGb 8 .*smaller than the template's 12 GB; disks can grow, not shrink/,
    );
  });

  it("checks a shrink against a template size known only at deploy time", async () => {
    const shrink = () => new VmFromTemplate("late-shrink", { ...base, template: { vmId: 9001, diskSizeGb: pulumi.output(30) }, disks: [{ sizeGb: 10 }] });
    await expect(late(() => value(shrink().vmId))).rejects.toThrow(/smaller than the template's 30 GB/);
  });

  it("without disks keeps the template's boot disk at the template's size and interface", async () => {
    const { transformation, children } = captureChildren();
    new VmFromTemplate("keep", { ...base, template: { vmId: 9000, diskSizeGb: 12, diskInterface: "virtio0" } }, { transformations: [transformation] });
    await settle();
    const disks = recordedOf(types.vm)[0]?.inputs.disks;
    expect(disks).toEqual([{ interface: "virtio0", size: 12, datastoreId: "local-lvm", discard: "on", iothread: true }]);
    expect(children[0]?.opts.ignoreChanges).toEqual(["disks[0].speed"]);
  });

  it("without disks keeps a CloudImageTemplate's boot disk", async () => {
    const tpl = new CloudImageTemplate("debian-12", { node: "pve1", imageUrl: "https://example.org/debian-12.qcow2", vmId: 9100, diskSizeGb: 14, storage: "tank" });
    new VmFromTemplate("c1", { node: "pve1", template: tpl.ref, storage: "tank" });
    await settle();
    expect(recordedOf(types.vm).find((r) => r.name === "c1")?.inputs.disks).toEqual([
      { interface: "scsi0", size: 14, datastoreId: "tank", discard: "on", iothread: true, ssd: true },
    ]);
  });

  it("without disks takes a template size known only at deploy time, and checks it then", async () => {
    new VmFromTemplate("later", { ...base, template: { vmId: 9001, diskSizeGb: pulumi.output(25) } });
    await settle();
    expect(recordedOf(types.vm)[0]?.inputs.disks).toEqual([expect.objectContaining({ interface: "scsi0", size: 25 })]);
    const bad = () => new VmFromTemplate("late-size", { ...base, template: { vmId: 9002, diskSizeGb: pulumi.output(0) } });
    await expect(late(() => value(bad().vmId))).rejects.toThrow(/VmFromTemplate "late-size": template\.diskSizeGb 0/);
  });

  it("refuses to leave out disks when the template's size is unknown, and creates nothing", async () => {
    await expectRefused(
      () => new VmFromTemplate("unsized", { node: "pve1", template: { vmId: 9000 } }),
      /VmFromTemplate "unsized": disks \(missing\) is not valid; give disks .* or the template's boot disk size \(\{ vmId, diskSizeGb \}\)/,
    );
    // With disks the template's size is not needed.
    new VmFromTemplate("sized", { node: "pve1", template: { vmId: 9000 }, disks: [{ sizeGb: 20 }] });
    await settle();
    expect(recordedOf(types.vm)[0]?.inputs.disks).toEqual([expect.objectContaining({ interface: "scsi0", size: 20 })]);
  });

  it("forwards the component's ignoreChanges to its VM, merged with the speed paths", async () => {
    const { transformation, children } = captureChildren();
    new VmFromTemplate("ign", { ...base, disks: [{ sizeGb: 10 }, { sizeGb: 50 }] }, { transformations: [transformation], ignoreChanges: ["description", "disks[1].speed"] });
    await settle();
    expect(children[0]?.opts.ignoreChanges).toEqual(["description", "disks[1].speed", "disks[0].speed"]);
  });

  it("makes a linked clone without moving storage", async () => {
    new VmFromTemplate("linked", { ...base, full: false });
    await settle();
    const clone = recordedOf(types.vm)[0]?.inputs.clone;
    expect(clone).toMatchObject({ vmId: 9000, full: false });
    expect(clone.datastoreId).toBeUndefined();
  });

  it.each<[string, Partial<VmFromTemplateArgs>, RegExp]>([
    ["zero cores", { cores: 0, memoryMb: 1024 }, /cores 0/],
    ["negative memory", { cores: 1, memoryMb: -5 }, /memoryMb -5/],
    ["a size next to cores", { size: "small", cores: 2 }, /size "small" .*not both/],
    ["an unknown size", { size: "huge" as never }, /size "huge"/],
    ["a zero disk", { disks: [{ sizeGb: 0 }] }, /disks\[0\]\.sizeGb 0/],
    ["an unknown disk interface", { disks: [{ sizeGb: 10, interface: "nvme0" }] }, /disks\[0\]\.interface "nvme0"/],
    ["scsi31", { disks: [{ sizeGb: 10, interface: "scsi31" }] }, /scsi0-scsi30/],
    ["a disk on the cloud-init drive", { disks: [{ sizeGb: 10, interface: "ide2" }] }, /cloud-init drive/],
    ["two disks on one interface", { disks: [{ sizeGb: 10, interface: "scsi1" }, { sizeGb: 10, interface: "scsi1" }] }, /its own interface/],
    ["a shrink", { template: { vmId: 9000, diskSizeGb: 20 }, disks: [{ sizeGb: 10 }] }, /smaller than the template's 20 GB/],
    ["a VLAN tag of 4095", { networks: [{ networkId: "vmbr0", vlanTag: 4095 }] }, /networks\[0\]\.vlanTag 4095/],
    ["a NIC without a network", { networks: [{} as never] }, /networks\[0\]\.networkId \(missing\)/],
    ["no NIC at all", { networks: [] }, /give 1 to 32 network cards/],
    ["a malformed static address", { networks: [{ networkId: "vmbr0", ipv4Address: "10.0.0.300/24" }] }, /networks\[0\]\.ipv4Address/],
    ["a static address without its prefix", { networks: [{ networkId: "vmbr0", ipv4Address: "10.0.0.5" }] }, /networks\[0\]\.ipv4Address "10\.0\.0\.5"/],
    ["a gateway outside the subnet", { networks: [{ networkId: "vmbr0", ipv4Address: "10.0.0.5/24", gateway: "10.1.0.1" }] }, /must lie inside 10\.0\.0\.5\/24/],
    ["a gateway without a fixed address", { networks: [{ networkId: "vmbr0", gateway: "10.0.0.1" }] }, /set ipv4Address too/],
    ["an unknown NIC model", { networks: [{ networkId: "vmbr0", model: "ne2000" as never }] }, /networks\[0\]\.model "ne2000"/],
    ["a firewall group name Proxmox refuses", { firewallGroups: ["9lives"] }, /firewallGroups\[0\] "9lives"/],
    ["packages (no Proxmox API installs them)", { cloudInit: { packages: ["nginx"] } }, /cloudInit\.packages .*user-data snippet and give cloudInit\.userDataFileId/],
    ["runcmd (no Proxmox API runs it)", { cloudInit: { runcmd: ["reboot"] } }, /cloudInit\.runcmd .*userDataFileId/],
    ["writeFiles (no Proxmox API writes them)", { cloudInit: { writeFiles: [{ path: "/etc/motd", content: "hi" }] } }, /cloudInit\.writeFiles .*userDataFileId/],
    ["a time zone (no Proxmox API sets it)", { cloudInit: { timezone: "Europe/Berlin" } }, /cloudInit\.timezone .*userDataFileId/],
    ["a label Proxmox cannot store as a tag", { labels: { "hearth/role": "x" } }, /labels\.hearth\/role/],
    ["deleteProtection as a word", { deleteProtection: "yes" as never }, /deleteProtection "yes"/],
    ["the component as template", { template: new CloudImageTemplate("tpl-obj", { node: "pve1", imageUrl: "https://example.org/a.qcow2", vmId: 9900 }) as never }, /give the template's ref/],
    ["root as the user", { cloudInit: { user: "root" } }, /cloudInit\.user "root"/],
    ["a private key", { cloudInit: { sshKeys: ["-----BEGIN OPENSSH PRIVATE KEY----- abc"] } }, /\[private key\]/],
    ["a snippet together with a user", { cloudInit: { user: "ops", userDataFileId: "local:snippets/a.yaml" } }, /replaces user, sshKeys and password/],
    ["a snippet id that is not a snippet", { cloudInit: { userDataFileId: "local:iso/a.iso" } }, /snippet file id/],
    ["an unbounded agent wait", { agentTimeout: "1h" }, /agentTimeout "1h"/],
    ["a VM id below 100", { vmId: 99 }, /vmId 99/],
    ["a linked clone on another node", { template: { vmId: 9000, node: "pve2" }, full: false }, /linked clone must run on the template's node "pve2"/],
    ["a template size of zero", { template: { vmId: 9000, diskSizeGb: 0 } }, /template\.diskSizeGb 0/],
    ["a host name with capitals", { hostname: "Web" }, /hostname "Web"/],
  ])("refuses %s and creates nothing", async (_label, extra, message) => {
    await expectRefused(() => new VmFromTemplate("bad", { ...base, ...extra }), message);
  });

  it("refuses a VM id used twice in one program", async () => {
    new VmFromTemplate("one", { ...base, vmId: 300 });
    expect(() => new VmFromTemplate("two", { ...base, vmId: 300 })).toThrow(/VmFromTemplate "two": vmId 300 .*already used by VmFromTemplate "one"/);
    expect(() => new CloudImageTemplate("tpl", { node: "pve1", imageUrl: "https://example.org/a.qcow2", vmId: 300 })).toThrow(/already used/);
    await settle();
    expect(recorded.filter((r) => r.name === "two" || r.name.startsWith("tpl"))).toEqual([]);
  });

  it("refuses a duplicate VM id given as an Output when it resolves", async () => {
    new VmFromTemplate("first", { ...base, vmId: 301 });
    const dup = () => new VmFromTemplate("late-dup", { ...base, vmId: pulumi.output(301) });
    await expect(late(() => value(dup().vmId))).rejects.toThrow(/already used by VmFromTemplate "first"/);
  });
});

describe("VmFromTemplate with the template as one Output (a YAML program's `template: ${tpl.ref}`)", () => {
  it("clones the template the Output names once it resolves", async () => {
    const vm = new VmFromTemplate("web", { node: "pve1", template: pulumi.output({ vmId: 9000, node: "pve2", diskSizeGb: 10 }) as unknown as VmFromTemplateArgs["template"], disks: [{ sizeGb: 20 }] });
    await value(vm.vmId);
    const clone = recordedOf(types.vm).find((r) => r.name === "web")!;
    expect(clone.inputs.clone).toMatchObject({ vmId: 9000, nodeName: "pve2" });
    expect(clone.inputs.disks).toEqual([expect.objectContaining({ interface: "scsi0", size: 20 })]);
  });

  it("refuses, when it resolves, a template on another boot interface, a bad id or a disk that would shrink it", async () => {
    fc.assert(
      fc.property(fc.constantFrom("virtio0", "sata0", "ide1"), (diskInterface) => {
        expect(() => new VmFromTemplate(`iface-${diskInterface}`, { node: "pve1", template: { vmId: 9000, diskSizeGb: 10, diskInterface } })).not.toThrow();
      }),
    );
    await resetMocks();
    vmIdRegistry().clear();
    await expect(
      late(async () => {
        const vm = new VmFromTemplate("virtio", { node: "pve1", template: pulumi.output({ vmId: 9000, diskSizeGb: 10, diskInterface: "virtio0" }) as unknown as VmFromTemplateArgs["template"], disks: [{ sizeGb: 20 }] });
        await settle();
        return vm;
      }),
    ).rejects.toThrow(/template\.diskInterface.*must boot from scsi0/s);
    await expect(
      late(async () => {
        const vm = new VmFromTemplate("bad-id", { node: "pve1", template: pulumi.output({ vmId: 7 }) as unknown as VmFromTemplateArgs["template"], disks: [{ sizeGb: 20 }] });
        await settle();
        return vm;
      }),
    ).rejects.toThrow(/template\.vmId/);
    await expect(
      late(async () => {
        const vm = new VmFromTemplate("shrunk", { node: "pve1", template: pulumi.output({ vmId: 9000, diskSizeGb: 30 }) as unknown as VmFromTemplateArgs["template"], disks: [{ sizeGb: 20 }] });
        await settle();
        return vm;
      }),
    ).rejects.toThrow(/smaller than the template's 30 GB/);
  });
});

describe("VmFromTemplate replacements", () => {
  it("replaces a VM with a fixed id delete-first (the provider would adopt the old one and the engine delete it)", async () => {
    const { transformation, children } = captureChildren();
    new VmFromTemplate("fixed", { ...base, vmId: 340 }, { transformations: [transformation] });
    new VmFromTemplate("ranged", { ...base, vmIdRange: { from: 400, to: 499 } }, { transformations: [transformation] });
    new VmFromTemplate("free", base, { transformations: [transformation] });
    await settle();
    expect(children.find((c) => c.name === "fixed")?.opts.deleteBeforeReplace).toBe(true);
    expect(children.find((c) => c.name === "ranged")?.opts.deleteBeforeReplace).toBe(true);
    // No fixed id: a replacement gets a new id from Proxmox, made before the old VM goes.
    expect(children.find((c) => c.name === "free")?.opts.deleteBeforeReplace).toBeUndefined();
  });
});

describe("VmFromTemplate and the contract", () => {
  it("takes the contract's VmArgs under the contract's names (compile-time)", () => {
    const conforms: ArgsConform<VmArgs, VmFromTemplateArgs> = true;
    expect(conforms).toBe(true);
  });

  it("takes a contract literal as it is, and reports the contract's outputs", async () => {
    const literal = {
      hostname: "web-1",
      size: "medium",
      networks: [{ networkId: "vmbr1", ipv4Address: "10.0.0.5/24" }],
      firewallGroups: ["web"],
      cloudInit: { user: "ops", sshKeys: [key] },
      labels: { app: "web" },
      deleteProtection: true,
    } satisfies VmArgs;
    const vm = new VmFromTemplate("contract", { ...literal, ...base });
    expect(await value(vm.hostname)).toBe("web-1");
    expect(await value(vm.instanceId)).toMatch(/^\d+$/);
    expect(await value(vm.ipv4Address)).toBe("10.20.0.15");
    expect((await value(vm.labels)).app).toBe("web");
    await settle();
    expect(recordedOf(types.vm)[0]?.inputs).toMatchObject({ protection: true, cpu: { cores: 2 }, memory: { dedicated: 4096 } });
  });

  it("clones from a CloudImageTemplate's outputs given one by one, as a YAML program does", async () => {
    const tpl = new CloudImageTemplate("debian-13", { node: "pve2", imageUrl: "https://example.org/debian-13.qcow2", vmId: 9200, diskSizeGb: 16 });
    new VmFromTemplate("from-outputs", { node: "pve2", template: { vmId: tpl.vmId, node: tpl.node, diskSizeGb: tpl.diskSizeGb } });
    await settle();
    const clone = recordedOf(types.vm).find((r) => r.name === "from-outputs");
    expect(clone?.inputs.clone).toMatchObject({ vmId: 9200, nodeName: "pve2" });
    expect(clone?.inputs.disks).toEqual([expect.objectContaining({ interface: "scsi0", size: 16 })]);
  });

  it("takes SSH keys known only at deploy time inside a list, as a YAML program gives them", async () => {
    new VmFromTemplate("yaml-keys", { ...base, cloudInit: { sshKeys: [pulumi.output(key)] as never } });
    await settle();
    expect(recordedOf(types.vm)[0]?.inputs.initialization.userAccount.keys).toEqual([key]);
    const bad = () => new VmFromTemplate("late-keys", { ...base, cloudInit: { sshKeys: [pulumi.output("not a key")] as never } });
    await expect(late(() => value(bad().vmId))).rejects.toThrow(/cloudInit\.sshKeys/);
  });

  it("checks a networkId or firewall group known only at deploy time when it resolves", async () => {
    const vm = () => new VmFromTemplate("late-net", { ...base, networks: [{ networkId: pulumi.output("not a bridge") }] });
    await expect(late(() => value(vm().vmId))).rejects.toThrow(/networks\[0\]\.networkId "not a bridge"/);
  });

  it("reports every problem at once, each field once, and creates nothing", async () => {
    const error = await expectRefused(
      () =>
        new VmFromTemplate("bad", {
          ...base,
          hostname: "Not A Host",
          size: "huge" as never,
          networks: [{ networkId: "vmbr0", vlanTag: 5000, ipv4Address: "10.0.0.5" }],
          cloudInit: { user: "root", packages: ["nginx"] },
          backups: { schedule: "whenever", retention: {}, mode: "fast" as never },
          agentTimeout: "1h",
        }),
      /^VmFromTemplate "bad": 10 problems:\n/,
    );
    const fields = error.problems.map((p) => p.field);
    expect(new Set(fields).size).toBe(fields.length);
    expect(fields).toEqual(
      expect.arrayContaining([
        "hostname",
        "size",
        "networks[0].vlanTag",
        "networks[0].ipv4Address",
        "cloudInit.user",
        "cloudInit.packages",
        "backups.schedule",
        "backups.retention",
        "backups.mode",
        "agentTimeout",
      ]),
    );
  });

  it("finds as many problems as there are broken fields, generated", () => {
    const broken: Partial<VmFromTemplateArgs> = {
      hostname: "-bad-",
      size: "tiny" as never,
      storage: "a b",
      agentTimeout: "forever",
      clonesPerStorage: 99,
      vmIdRange: { from: 5, to: 1 },
      deleteProtection: "no" as never,
      backups: { storage: "x y" },
      labels: { "": "x" },
    };
    const keys = Object.keys(broken) as (keyof typeof broken)[];
    let run = 0;
    fc.assert(
      fc.property(fc.subarray(keys, { minLength: 1 }), (chosen) => {
        const args = { ...base, ...Object.fromEntries(chosen.map((k) => [k, broken[k]])) } as VmFromTemplateArgs;
        let error: unknown;
        try {
          new VmFromTemplate(`gen-${run++}`, args);
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(HearthValidationError);
        const fields = (error as HearthValidationError).problems.map((p) => p.field.split(/[.[]/)[0]);
        expect(new Set(fields)).toEqual(new Set(chosen));
      }),
      { numRuns: 60 },
    );
  });
});

describe("VmFromTemplate backups: the VM points to its policy", () => {
  it("creates its own vzdump job selecting only this VM", async () => {
    const { transformation, children } = captureChildren();
    const vm = new VmFromTemplate(
      "db-1",
      { ...base, vmId: 250, backups: { schedule: "02:00", retention: { keepDaily: 7, keepWeekly: 4 }, storage: "pbs", mode: "stop", compress: "none", lockWaitMinutes: 60 } },
      { transformations: [transformation] },
    );
    await value(vm.vmId);
    await settle();
    expect(children.map((c) => c.name)).toEqual(["db-1", "db-1-backup"]);
    expect(children[1]?.opts.parent).toBe(vm);
    expect(recordedOf(types.backupJob)).toEqual([
      expect.objectContaining({
        name: "db-1-backup",
        inputs: expect.objectContaining({
          resourceId: "hearth_db_1_backup",
          schedule: "02:00",
          storage: "pbs",
          mode: "stop",
          compress: "0",
          enabled: true,
          vmids: ["250"],
          lockwait: 60,
          pruneBackups: { "keep-daily": "7", "keep-weekly": "4" },
        }),
      }),
    ]);
  });

  it("defaults to a daily snapshot on vzdump's default storage and leaves retention to the storage", async () => {
    new VmFromTemplate("web-9", { ...base, vmId: 251, backups: {} });
    await settle();
    const [job] = recordedOf(types.backupJob);
    expect(job?.inputs).toMatchObject({ schedule: "daily", storage: "local", mode: "snapshot", compress: "zstd", vmids: ["251"] });
    expect(job?.inputs.pruneBackups).toBeUndefined();
    expect(job?.inputs.lockwait).toBeUndefined();
  });

  it("creates no job without backups", async () => {
    new VmFromTemplate("plain", base);
    await settle();
    expect(recordedOf(types.backupJob)).toEqual([]);
  });

  it("refuses a job id another VM's backups already use", async () => {
    new VmFromTemplate("a", { ...base, backups: { jobId: "nightly" } });
    await expectRefused(() => new VmFromTemplate("b", { ...base, backups: { jobId: "nightly" } }), /backups\.jobId "nightly" .*already uses the Proxmox backup job id/);
  });

  it("refuses a name too long for a derived job id, pointing at jobId", async () => {
    await expectRefused(() => new VmFromTemplate("a-very-long-virtual-machine-name-for-db", { ...base, backups: {} }), /backups\.jobId .*set jobId/);
  });
});

describe("the clone queue", () => {
  const vmsOf = (children: ReturnType<typeof captureChildren>["children"]) => children.filter((c) => c.type === types.vm);
  const build = (count: number, extra: Partial<VmFromTemplateArgs> = {}) => {
    const { transformation, children } = captureChildren();
    for (let i = 0; i < count; i++) new VmFromTemplate(`node-${i}`, { ...base, ...extra }, { transformations: [transformation] });
    return vmsOf(children);
  };
  /** For each VM, the index of the VM it waits for (null when it starts at once). */
  const lanes = (vms: ReturnType<typeof vmsOf>) =>
    vms.map((v) => {
      const deps = v.opts.dependsOn as pulumi.Resource[] | undefined;
      return deps === undefined ? null : vms.findIndex((o) => deps.length === 1 && o.resource === deps[0]);
    });

  it(`clones of one template run in parallel, ${defaultClonesPerStorage} at once on one storage by default`, () => {
    const vms = build(10);
    expect(vms.map((v) => v.name)).toEqual(Array.from({ length: 10 }, (_, i) => `node-${i}`));
    const n = defaultClonesPerStorage;
    expect(lanes(vms)).toEqual(Array.from({ length: 10 }, (_, i) => (i < n ? null : i - n)));
  });

  it("runs N lanes with clonesPerStorage N: clone k waits for clone k-N", () => {
    expect(lanes(build(7, { clonesPerStorage: 3 }))).toEqual([null, null, null, 0, 1, 2, 3]);
  });

  it("clonesPerStorage 1 is the old serial chain", () => {
    expect(lanes(build(4, { clonesPerStorage: 1 }))).toEqual([null, 0, 1, 2]);
  });

  it("clonesPerStorage 0 (no bound) adds no dependsOn at all", () => {
    expect(lanes(build(20, { clonesPerStorage: 0 }))).toEqual(Array.from({ length: 20 }, () => null));
  });

  it("queues per storage, whatever the template or node", () => {
    const { transformation, children } = captureChildren();
    const opts = { transformations: [transformation] };
    const one = { clonesPerStorage: 1 } as const;
    new VmFromTemplate("a1", { node: "pve1", template: { vmId: 9000, diskSizeGb: 10 }, ...one }, opts);
    new VmFromTemplate("b1", { node: "pve1", template: { vmId: 9001, diskSizeGb: 10 }, ...one }, opts);
    new VmFromTemplate("c1", { node: "pve2", template: { vmId: 9000, diskSizeGb: 10 }, storage: "tank", ...one }, opts);
    new VmFromTemplate("c2", { node: "pve1", template: { vmId: 9001, diskSizeGb: 10 }, storage: "tank", ...one }, opts);
    const vms = vmsOf(children);
    expect(vms.map((v) => v.opts.dependsOn)).toEqual([undefined, [vms[0]?.resource], undefined, [vms[2]?.resource]]);
  });

  it.each([
    ["a negative bound", { clonesPerStorage: -1 }, /clonesPerStorage -1/],
    ["a bound above 64", { clonesPerStorage: 65 }, /clonesPerStorage 65.*1 to 64/],
    ["the old word unbounded", { clonesPerStorage: "unbounded" as never }, /clonesPerStorage "unbounded".*use 0 for no bound/],
  ])("refuses %s and creates nothing", async (_label, extra, message) => {
    await expectRefused(() => new VmFromTemplate("bad", { ...base, ...extra }), message);
  });
});

describe("VM ids from a stack's range", () => {
  const range = { from: 20000, to: 20999 };

  it("gives each VM its name's id from the range, distinct, and keeps it for the VM's life (ignoreChanges vmId)", async () => {
    const { transformation, children } = captureChildren();
    const vms = ["web-1", "web-2", "db-1"].map((n) => new VmFromTemplate(n, { ...base, vmIdRange: range }, { transformations: [transformation] }));
    const ids = await Promise.all(vms.map((vm) => value(vm.vmId)));
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toBe(homeSlot("web-1", range));
    for (const id of ids) expect(id >= range.from && id <= range.to).toBe(true);
    for (const c of children.filter((c) => c.type === types.vm)) expect(c.opts.ignoreChanges).toContain("vmId");
  });

  it("lets an explicit vmId win, and does not ignore changes to it", async () => {
    const { transformation, children } = captureChildren();
    const vm = new VmFromTemplate("pinned", { ...base, vmId: 150, vmIdRange: range }, { transformations: [transformation] });
    expect(await value(vm.vmId)).toBe(150);
    expect(children.find((c) => c.type === types.vm)?.opts.ignoreChanges).not.toContain("vmId");
  });

  it("leaves the id to the provider without a range", async () => {
    new VmFromTemplate("free", base);
    await settle();
    expect(recordedOf(types.vm)[0]?.inputs.vmId).toBeUndefined();
  });

  it.each([
    ["a range below 100", { vmIdRange: { from: 50, to: 99 } }, /vmIdRange\.from 50/],
    ["a reversed range", { vmIdRange: { from: 300, to: 200 } }, /from 300 is above to 200/],
  ])("refuses %s and creates nothing", async (_label, extra, message) => {
    await expectRefused(() => new VmFromTemplate("bad", { ...base, ...extra }), message);
  });

  it("refuses a VM once every id of the range is held, before registering it", async () => {
    const tiny = { from: 700, to: 701 };
    new VmFromTemplate("t1", { ...base, vmIdRange: tiny });
    new VmFromTemplate("t2", { ...base, vmIdRange: tiny });
    expect(() => new VmFromTemplate("t3", { ...base, vmIdRange: tiny })).toThrow(/VmFromTemplate "t3": vmIdRange .*every id from 700 to 701 is already used/);
    await settle();
    expect(recorded.filter((r) => r.name === "t3")).toEqual([]);
  });
});

describe("flattenAddresses", () => {
  it.each([
    [undefined, []],
    [[], []],
    [[["127.0.0.1"], ["10.0.0.5", "10.0.0.6"]], ["10.0.0.5", "10.0.0.6"]],
    [[["169.254.3.1"], [], ["192.168.1.9"]], ["192.168.1.9"]],
  ])("%j -> %j", (input, expected) => {
    expect(flattenAddresses(input as string[][] | undefined)).toEqual(expected);
  });
});

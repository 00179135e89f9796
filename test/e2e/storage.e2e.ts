import { afterEach, describe, expect, it } from "vitest";
import { downloadedFileHash } from "@hearth/sandbox";
import { SandboxProject } from "./harness.js";

// Raw provider resources against the sandbox's container, image and volume endpoints: what the
// bridged proxmoxve (bpg/terraform-provider-proxmox v0.112.0) and hcloud (terraform-provider-hcloud
// v1.68.0) plugins call for `proxmox_virtual_environment_container`,
// `proxmox_virtual_environment_download_file`, `hcloud_volume` and `hcloud_snapshot`.
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@laptop";
const TEMPLATE_URL = "https://images.example/debian-12-standard_12.7-1_amd64.tar.zst";

const containerProgram = (cores: number): string => `
const pulumi = require("@pulumi/pulumi");
const proxmox = require("@muhlba91/pulumi-proxmoxve");
const provider = new proxmox.Provider("pve", { endpoint: process.env.PROXMOX_VE_ENDPOINT, apiToken: process.env.PROXMOX_VE_API_TOKEN, insecure: true });
const template = new proxmox.download.File("debian-12-ct", {
  nodeName: "pve1", datastoreId: "local", contentType: "vztmpl",
  url: "${TEMPLATE_URL}", fileName: "debian-12-standard_12.7-1_amd64.tar.zst",
  checksum: "${downloadedFileHash(TEMPLATE_URL, "sha256")}", checksumAlgorithm: "sha256",
}, { provider });
const ct = new proxmox.ContainerLegacy("web-ct", {
  nodeName: "pve1",
  vmId: 300,
  unprivileged: true,
  features: { nesting: true },
  cpu: { cores: ${cores} },
  memory: { dedicated: 1024, swap: 256 },
  disk: { datastoreId: "local-lvm", size: 8 },
  mountPoints: [{ volume: "local-lvm", size: "2G", path: "/srv/data" }],
  networkInterfaces: [{ name: "eth0", bridge: "vmbr0", firewall: true }],
  operatingSystem: { templateFileId: template.id, type: "debian" },
  initialization: {
    hostname: "web-ct",
    ipConfigs: [{ ipv4: { address: "dhcp" } }],
    userAccount: { keys: ["${KEY}"], password: pulumi.secret("sandbox-root-pw-not-real") },
  },
  startOnBoot: true,
  started: true,
}, { provider });
exports.vmId = ct.vmId;
exports.ipv4 = ct.ipv4;
`;

const volumeProgram = `
const hcloud = require("@pulumi/hcloud");
const server = new hcloud.Server("db-1", { serverType: "cx23", image: "debian-12", location: "fsn1" });
const data = new hcloud.Volume("pgdata", { size: 20, location: "fsn1", format: "ext4", deleteProtection: false });
const attachment = new hcloud.VolumeAttachment("pgdata-on-db-1", { volumeId: data.id.apply(Number), serverId: server.id.apply(Number), automount: false });
// The attach_volume action locks the server, and terraform-provider-hcloud's snapshot resource
// does not retry 423 locked (internal/snapshot/resource.go): the snapshot waits for the attachment.
const snap = new hcloud.Snapshot("db-1-before", { serverId: server.id.apply(Number), description: "before upgrade" }, { dependsOn: [attachment] });
exports.device = data.linuxDevice;
exports.snapshot = snap.id;
`;

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);

describe("containers, images and volumes: the real engine and providers against the sandbox", () => {
  it("proxmox: downloads a checksummed container template and runs an unprivileged container from it; drift is reported and reverted; destroy leaves nothing", async () => {
    project = await SandboxProject.create("pve-ct", containerProgram(2), { proxmox: { taskMs: 100 } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const ct = p.sandbox.inspect().proxmox.containers?.[300];
    expect(ct).toMatchObject({ status: "running", config: { cores: 2, memory: 1024, swap: 256, unprivileged: 1, features: "nesting=1", hostname: "web-ct" } });
    expect(String(ct?.config.rootfs)).toBe("local-lvm:vm-300-disk-0,size=8G");
    expect(String(ct?.config.mp0)).toMatch(/^local-lvm:vm-300-disk-1,mp=\/srv\/data,.*size=2G/);
    expect(p.stateText()).not.toContain("sandbox-root-pw-not-real");

    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    p.sandbox.mutate({ api: "proxmox", kind: "container", id: 300, config: { cores: 4 } });
    const drift = await p.previewChanges(["--refresh"]);
    expect(drift).toContainEqual(expect.objectContaining({ op: "update", name: "web-ct" }));
    ok(await p.pulumi(["up", "--yes", "--skip-preview", "--refresh"]));
    expect(p.sandbox.inspect().proxmox.containers?.[300]?.config.cores).toBe(2);

    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    const after = p.sandbox.inspect();
    expect(after.leftovers).toEqual([]);
    expect(after.unknownCalls).toEqual([]);
  });

  it("hcloud: a volume attached to a server and a server snapshot; no-change preview; destroy leaves nothing", async () => {
    project = await SandboxProject.create("hcloud-volume", volumeProgram, { hcloud: { actionMs: 50 } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const state = p.sandbox.inspect().hcloud;
    const [server] = Object.values(state.servers);
    const [volume] = Object.values(state.volumes ?? {});
    expect(volume).toMatchObject({ name: expect.stringMatching(/^pgdata-/), size: 20, format: "ext4", server: server!.id, status: "available" });
    expect(server!.volumes).toEqual([volume!.id]);
    expect(Object.values(state.images ?? {})).toEqual([expect.objectContaining({ type: "snapshot", description: "before upgrade", status: "available" })]);

    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    const after = p.sandbox.inspect();
    expect(after.leftovers).toEqual([]);
    expect(after.unknownCalls).toEqual([]);
  });
});

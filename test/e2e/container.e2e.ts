import { afterEach, describe, expect, it } from "vitest";
import { downloadedFileHash } from "@hearth/sandbox";
import { SandboxProject } from "./harness.js";

// @hearth/proxmox's Container with the real engine and the bridged proxmoxve plugin
// (bpg/terraform-provider-proxmox's `proxmox_virtual_environment_container`) against the
// sandbox's LXC, storage-content and download endpoints.
const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHearthSandboxTestKeyOnlyAAAAAAAAAAAAAAAAAAA ops@laptop";
const TEMPLATE_URL = "https://images.example/debian-12-standard_12.7-1_amd64.tar.zst";
const PASSWORD = "sandbox-ct-root-pw-not-real";

const program = `
const pulumi = require("@pulumi/pulumi");
const proxmox = require("@muhlba91/pulumi-proxmoxve");
const pve = require("@hearth/proxmox");
const template = new proxmox.download.File("debian-12-ct", {
  nodeName: "pve1", datastoreId: "local", contentType: "vztmpl",
  url: "${TEMPLATE_URL}", fileName: "debian-12-standard_12.7-1_amd64.tar.zst",
  checksum: "${downloadedFileHash(TEMPLATE_URL, "sha256")}", checksumAlgorithm: "sha256",
});
const ct = new pve.Container("cache", {
  node: "pve1",
  template: template.id,
  vmId: 320,
  cores: 2,
  memoryMb: 1024,
  swapMb: 256,
  rootDiskGb: 8,
  mountPoints: [{ path: "/srv/data", sizeGb: 2 }],
  networks: [{ networkId: "vmbr0" }],
  sshKeys: ["${KEY}"],
  rootPassword: pulumi.secret("${PASSWORD}"),
  features: { nesting: true },
  labels: { role: "cache" },
});
exports.instanceId = ct.instanceId;
exports.hostname = ct.hostname;
exports.labels = ct.labels;
`;

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);

describe("Container: the real engine and provider against the sandbox", () => {
  it("creates an unprivileged container from a downloaded template, previews no change, reports and reverts drift, keeps the password out of state, destroys to nothing", async () => {
    project = await SandboxProject.create("hearth-ct", program, { proxmox: { taskMs: 100 } });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const ct = p.sandbox.inspect().proxmox.containers?.[320];
    expect(ct).toMatchObject({ status: "running", config: { cores: 2, memory: 1024, swap: 256, unprivileged: 1, features: "nesting=1", hostname: "cache", onboot: 1 } });
    expect(String(ct?.config.rootfs)).toBe("local-lvm:vm-320-disk-0,size=8G");
    expect(String(ct?.config.mp0)).toMatch(/^local-lvm:vm-320-disk-1,mp=\/srv\/data,.*size=2G/);
    expect(String(ct?.config.net0)).toMatch(/bridge=vmbr0/);
    expect(String(ct?.config.net0)).toMatch(/firewall=1/);
    expect(String(ct?.config.tags)).toContain("role-cache");
    expect(p.stateText()).not.toContain(PASSWORD);

    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    // Drift made outside Pulumi is reported by a refreshing preview and reverted by `up --refresh`.
    p.sandbox.mutate({ api: "proxmox", kind: "container", id: 320, config: { cores: 4 } });
    expect(await p.previewChanges(["--refresh"])).toContainEqual(expect.objectContaining({ op: "update", name: "cache" }));
    ok(await p.pulumi(["up", "--yes", "--skip-preview", "--refresh"]));
    expect(p.sandbox.inspect().proxmox.containers?.[320]?.config.cores).toBe(2);
    ok(await p.pulumi(["preview", "--refresh", "--expect-no-changes"]));

    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    const after = p.sandbox.inspect();
    expect(after.proxmox.containers?.[320]).toBeUndefined();
    expect(after.leftovers).toEqual([]);
    expect(after.unknownCalls).toEqual([]);
  });
});

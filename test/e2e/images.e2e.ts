import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { afterEach, describe, expect, it } from "vitest";
import { downloadedFileHash } from "@hearth/sandbox";
import { programFile, repoRoot, SandboxProject } from "./harness.js";

// @hearth/proxmox's Image and OciImage with the real engine and the bridged proxmoxve plugin
// (bpg/terraform-provider-proxmox's `download_file` and `oci_image`) against the sandbox's
// query-url-metadata, download-url, oci-registry-pull and storage-content endpoints, and what is
// launched from them (a Container, a CloudImageTemplate).
const ISO_URL = "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-13.1.0-amd64-netinst.iso";
const CT_V1 = "http://download.proxmox.com/images/system/debian-13-standard_13.1-1_amd64.tar.zst";
const CT_V2 = "http://download.proxmox.com/images/system/debian-13-standard_13.1-2_amd64.tar.zst";
const CLOUD_V1 = "https://cloud.debian.org/images/cloud/trixie/20261101-1/debian-13-generic-amd64-20261101-1.qcow2";
const CLOUD_V2 = "https://cloud.debian.org/images/cloud/trixie/20261120-1/debian-13-generic-amd64-20261120-1.qcow2";
const ISO_V2 = "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-13.2.0-amd64-netinst.iso";
const config = { isoUrl: ISO_URL, templateUrl: CT_V1, cloudUrl: CLOUD_V1, isoChecksum: downloadedFileHash(ISO_URL, "sha256") };

let project: SandboxProject | undefined;
afterEach(async () => {
  await project?.dispose();
  project = undefined;
});

const ok = (r: { code: number; output: string }): void => expect(r.code, r.output).toBe(0);
/** The steps of a preview that change something (a refreshing preview also lists its refresh steps). */
const changes = async (p: SandboxProject, args: string[] = []) => (await p.previewChanges(args)).filter((c) => c.op !== "refresh");
/** How many containers were created with this id (`vzcreate` tasks, pve-container API2/LXC.pm). */
const creates = (p: SandboxProject, id: string): number => Object.values(p.sandbox.inspect().proxmox.tasks).filter((t) => t.type === "vzcreate" && t.id === id && t.exitstatus === "OK").length;
const volids = (p: SandboxProject): string[] => (p.sandbox.inspect().proxmox.volumes["pve1/local"] ?? []).map((v) => v.volid).sort();

describe("Images: the real engine and provider against the sandbox", () => {
  it("downloads images, launches from them, previews no change, re-downloads a deleted file, keeps the container on a new template version, destroys to nothing", async () => {
    project = await SandboxProject.fromFile(programFile("pve-images"), { proxmox: { taskMs: 100 } }, { config });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    expect(volids(p)).toEqual([
      "local:import/debian-13-generic-amd64.qcow2",
      "local:iso/debian-13.1.0-amd64-netinst.iso",
      "local:vztmpl/alpine_3.22.tar",
      "local:vztmpl/debian-13-standard_13.1-1_amd64.tar.zst",
    ]);
    const ct = p.sandbox.inspect().proxmox.containers?.[330];
    expect(ct?.status).toBe("running");
    expect(p.sandbox.inspect().proxmox.vms["9130"]?.config.template).toBe(1);
    // The installer VM: an empty disk, the ISO in the CD drive, disk first then CD.
    const installer = p.sandbox.inspect().proxmox.vms["340"];
    expect(String(installer?.config.ide2)).toMatch(/^local:iso\/debian-13.1.0-amd64-netinst.iso,media=cdrom/);
    expect(String(installer?.config.boot)).toBe("order=scsi0;ide2");
    expect(String(installer?.config.scsi0)).toMatch(/size=16G/);

    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    // Drift: an admin deletes the ISO. A refreshing preview reports it, `up --refresh` downloads it again.
    p.sandbox.mutate({ api: "proxmox", kind: "storageFile", id: "local:iso/debian-13.1.0-amd64-netinst.iso", delete: true });
    // The installer's CD drive shows as an update: the file's id is unknown until it is downloaded again (the same id).
    expect(await changes(p, ["--refresh"])).toEqual([
      expect.objectContaining({ op: "create", name: "debian-iso" }),
      expect.objectContaining({ op: "update", name: "installer", paths: ["cdrom.fileId"] }),
    ]);
    ok(await p.pulumi(["up", "--yes", "--skip-preview", "--refresh"]));
    expect(volids(p)).toContain("local:iso/debian-13.1.0-amd64-netinst.iso");
    ok(await p.pulumi(["preview", "--refresh", "--expect-no-changes"]));

    // A new template version replaces the downloaded file, not the container made from the old one.
    p.setConfig({ templateUrl: CT_V2, cloudUrl: CLOUD_V2, isoUrl: ISO_V2, isoChecksum: downloadedFileHash(ISO_V2, "sha256") });
    const planned = await changes(p);
    expect(planned.filter((c) => c.name === "app" || c.name === "debian-13")).toEqual([]);
    // The new ISO goes into the installer's CD drive in place.
    expect(planned.filter((c) => c.name === "installer")).toEqual([expect.objectContaining({ op: "update", paths: ["cdrom.fileId"] })]);
    expect(planned.filter((c) => c.op === "replace").map((c) => c.name).sort()).toEqual(["app-follow", "debian-cloud", "debian-ct", "debian-iso"]);
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    expect(volids(p)).toContain("local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst");
    expect(volids(p)).not.toContain("local:vztmpl/debian-13-standard_13.1-1_amd64.tar.zst");
    const after = p.sandbox.inspect().proxmox.containers?.[330];
    expect(after?.config).toEqual(ct?.config);
    expect(String(p.sandbox.inspect().proxmox.vms["340"]?.config.ide2)).toMatch(/^local:iso\/debian-13.2.0-amd64-netinst.iso,media=cdrom/);
    expect(volids(p)).not.toContain("local:iso/debian-13.1.0-amd64-netinst.iso");
    // The cloud image kept its fixed name: the old file went first, the new one is there.
    expect(volids(p)).toContain("local:import/debian-13-generic-amd64.qcow2");
    expect(p.sandbox.inspect().proxmox.vms["9130"]?.config.template).toBe(1);
    // The container that opted in was made again from the new template (its fixed id: deleted first, then created).
    expect(p.sandbox.inspect().proxmox.containers?.[331]?.status).toBe("running");
    expect(creates(p, "331")).toBe(2);
    expect(creates(p, "330")).toBe(1);
    ok(await p.pulumi(["preview", "--expect-no-changes"]));

    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    const end = p.sandbox.inspect();
    expect(end.proxmox.containers?.[330]).toBeUndefined();
    expect(end.proxmox.containers?.[331]).toBeUndefined();
    expect(end.proxmox.vms["340"]).toBeUndefined();
    expect(end.leftovers).toEqual([]);
    expect(end.unknownCalls).toEqual([]);
  });

  it("runs the YAML example: an Image's volumeId as a Container's template and a VmFromIso's ISO, no change on a second preview, nothing left after destroy", async () => {
    project = await SandboxProject.fromDirectory(join(repoRoot, "examples/proxmox-images"), { proxmox: { taskMs: 50 } }, (dir) => {
      // The copy's `packages: proxmox:` points at this checkout's package folder.
      const file = join(dir, "Pulumi.yaml");
      const doc = parse(readFileSync(file, "utf8")) as { packages: Record<string, string> };
      doc.packages.proxmox = join(repoRoot, "packages/proxmox");
      writeFileSync(file, stringify(doc));
    });
    const p = project;
    ok(await p.pulumi(["up", "--yes", "--skip-preview"]));
    const state = p.sandbox.inspect().proxmox;
    const ct = Object.values(state.containers ?? {})[0];
    expect(ct?.status).toBe("running");
    expect(volids(p)).toEqual(["local:iso/debian-13.1.0-amd64-netinst.iso", "local:vztmpl/alpine_3.22.tar", "local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst"]);
    expect(Object.values(state.vms).some((vm) => String(vm.config.ide2).startsWith("local:iso/debian-13.1.0-amd64-netinst.iso,media=cdrom"))).toBe(true);
    ok(await p.pulumi(["preview", "--expect-no-changes"]));
    ok(await p.pulumi(["destroy", "--yes", "--skip-preview"]));
    expect(p.sandbox.inspect().leftovers).toEqual([]);
    expect(p.sandbox.inspect().unknownCalls).toEqual([]);
  });
});

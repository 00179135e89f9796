import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Image, type ImageArgs } from "./image.js";
import { captureChildren, expectRefused, installMocks, late, outputOf as value, presets, proxmoxTypes as types, recorded, recordedOf, resetMocks, settle } from "@hearth/kit/testing";

beforeAll(() => installMocks({ answers: presets.proxmox }));
beforeEach(async () => {
  await resetMocks();
});

const isoUrl = "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-13.1.0-amd64-netinst.iso";
const base: ImageArgs = { node: "pve1", content: "iso", url: isoUrl };
const sha256 = "0f".repeat(32);

describe("Image", () => {
  it("downloads the file to the node's storage with Proxmox's checks and no silent re-download", async () => {
    const { transformation, children } = captureChildren();
    const iso = new Image("debian-iso", { ...base, fileName: "debian-13.iso", checksum: sha256, checksumAlgorithm: "sha256" }, { transformations: [transformation] });
    expect(await value(iso.volumeId)).toBe("local:iso/debian-13.iso");
    expect(await value(iso.fileName)).toBe("debian-13.iso");
    expect(await value(iso.sizeBytes)).toBe(1048576);
    expect(await value(iso.content)).toBe("iso");
    await settle();
    expect(children.map((c) => [c.type, c.name])).toEqual([[types.file, "debian-iso"]]);
    expect(children[0]!.opts.parent).toBe(iso);
    // A fixed name: the old file goes before the new version is downloaded (Proxmox refuses to overwrite).
    expect(children[0]!.opts.deleteBeforeReplace).toBe(true);
    expect(recordedOf(types.file)[0]?.inputs).toEqual({
      nodeName: "pve1",
      datastoreId: "local",
      contentType: "iso",
      url: isoUrl,
      fileName: "debian-13.iso",
      checksum: sha256,
      checksumAlgorithm: "sha256",
      verify: true,
      overwrite: false,
      overwriteUnmanaged: false,
      uploadTimeout: 600,
    });
  });

  it("downloads a new version named after its URL before deleting the old one", async () => {
    const { transformation, children } = captureChildren();
    new Image("by-url", base, { transformations: [transformation] });
    await settle();
    expect(children[0]!.opts.deleteBeforeReplace).toBeUndefined();
  });

  it("passes the download options a user sets", async () => {
    const { transformation, children } = captureChildren();
    new Image("tpl", {
      node: "pve2",
      content: "vztmpl",
      url: "http://download.proxmox.com/images/system/debian-13-standard_13.1-2_amd64.tar.zst",
      storage: "nfs-templates",
      verifyCertificates: false,
      redownloadWhenChanged: true,
      replaceUnmanagedFile: true,
      timeoutSeconds: 1800,
    }, { transformations: [transformation] });
    new Image("memtest", { ...base, url: "https://memtest.org/download/mt86plus_7.20.iso.gz", fileName: "mt86plus.iso", decompression: "gz" });
    await settle();
    const [tpl, memtest] = recordedOf(types.file);
    expect(tpl?.inputs).toMatchObject({ nodeName: "pve2", datastoreId: "nfs-templates", contentType: "vztmpl", verify: false, overwrite: true, overwriteUnmanaged: true, uploadTimeout: 1800 });
    expect(tpl?.inputs.fileName).toBeUndefined();
    // Re-downloads keep the name: delete first.
    expect(children.find((c) => c.name === "tpl")?.opts.deleteBeforeReplace).toBe(true);
    expect(memtest?.inputs).toMatchObject({ fileName: "mt86plus.iso", decompressionAlgorithm: "gz" });
  });

  it("reports every problem at once and registers nothing", async () => {
    const error = await expectRefused(
      () =>
        new Image("bad", {
          node: "pve 1",
          content: "import",
          url: "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img",
          storage: "-x",
          checksum: "abc",
          decompression: "xz" as never,
          redownloadWhenChanged: "yes" as never,
          timeoutSeconds: 0,
        }),
    );
    expect(error.problems.map((p) => p.field).sort()).toEqual(["checksumAlgorithm", "decompression", "decompression", "fileName", "fileName", "node", "redownloadWhenChanged", "storage", "timeoutSeconds"].sort());
    expect(error.message).toMatch(/Proxmox decompresses ISO images only/);
  });

  it.each<[string, Partial<ImageArgs>, RegExp]>([
    ["an unknown content type", { content: "images" as never }, /content "images"/],
    ["an ftp URL", { url: "ftp://example.org/a.iso" }, /url "ftp:/],
    ["a URL whose file is no ISO name", { url: "https://example.org/debian.qcow2" }, /fileName.*"debian.qcow2"\) is not a iso name/],
    ["a vztmpl name for an ISO", { fileName: "alpine.tar.zst" }, /fileName "alpine.tar.zst".*\.iso or \.img/],
    ["a file name with a path", { fileName: "../debian.iso" }, /plain file name/],
    ["an algorithm without checksum", { checksumAlgorithm: "sha256" }, /checksum.*goes with checksumAlgorithm/],
    ["a checksum of the wrong length", { checksum: "0f".repeat(20), checksumAlgorithm: "sha256" }, /sha256 checksum is 64 hexadecimal digits/],
    ["decompression without a file name", { decompression: "zst" }, /name the decompressed file/],
  ])("refuses %s", async (_label, extra, message) => {
    await expectRefused(() => new Image("bad", { ...base, ...extra }), message);
  });

  it("refuses every file name Proxmox would refuse for the content type (property)", async () => {
    const wrong = fc.oneof(
      fc.tuple(fc.constant("iso" as const), fc.constantFrom(".qcow2", ".tar.zst", ".iso.xz", "")),
      fc.tuple(fc.constant("vztmpl" as const), fc.constantFrom(".iso", ".tgz", ".tar.lz4", ".qcow2")),
      fc.tuple(fc.constant("import" as const), fc.constantFrom(".img", ".QCOW2", ".ovf", ".iso")),
    );
    await fc.assert(
      fc.asyncProperty(wrong, fc.stringMatching(/^[a-z0-9][a-z0-9_-]{0,20}$/), async ([content, ext], stem) => {
        recorded.length = 0;
        await expectRefused(() => new Image("p", { ...base, content, fileName: `${stem}${ext}` }), /fileName/);
      }),
      { numRuns: 40 },
    );
  });

  it("checks values known later when they resolve", async () => {
    await expect(late(() => value(new Image("late", { ...base, fileName: pulumi.output("debian.qcow2") }).volumeId))).rejects.toThrow(/fileName "debian.qcow2"/);
    await expect(late(() => value(new Image("late-url", { ...base, url: pulumi.output("not a url") }).volumeId))).rejects.toThrow(/url "not a url"/);
  });
});

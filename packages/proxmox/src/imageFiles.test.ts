import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { failFor, HearthValidationError } from "@hearth/core";
import { checkChecksum, checkImageFileName, checkImageVolume, checkOciFileName, checkOciReference, checkUrlFileName, ociFileName, type ImageContent } from "./imageFiles.js";

const fail = failFor("Image", "t");
const ok = (run: () => unknown) => expect(run).not.toThrow();
const refused = (run: () => unknown, message: RegExp) => expect(run).toThrow(message);
const safe = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,40}$/);

// Table from pve-storage src/PVE/Storage.pm ($ISO_EXT_RE_0, $VZTMPL_EXT_RE_1, $UPLOAD_IMPORT_EXT_RE_1)
// as src/PVE/API2/Storage/Status.pm `download_url` applies them.
const accepted: Record<ImageContent, string[]> = {
  iso: ["debian-13.1.0-amd64-netinst.iso", "memtest.IMG", "virtio-win.iso"],
  vztmpl: ["debian-13-standard_13.1-2_amd64.tar.zst", "alpine.tar", "a.TAR.GZ", "b.tar.xz", "c.tar.bz2"],
  import: ["debian-13-generic-amd64.qcow2", "disk.raw", "appliance.ova", "win.vmdk"],
};
const refusedNames: Record<ImageContent, string[]> = {
  iso: ["debian.qcow2", "debian.iso.gz", "x.tar"],
  vztmpl: ["alpine.tar.lz4", "alpine.tgz", "alpine.tar.gz.tar.", "x.iso"],
  import: ["disk.QCOW2", "disk.img", "disk.ovf", "disk.qcow2.xz"],
};

describe("image file names as Proxmox checks them", () => {
  it.each(Object.entries(accepted))("accepts %s names Proxmox keeps", (content, names) => {
    for (const name of names) ok(() => checkImageFileName(fail, "fileName", name, content as ImageContent));
  });

  it.each(Object.entries(refusedNames))("refuses %s names Proxmox refuses, naming the endings it keeps", (content, names) => {
    for (const name of names) refused(() => checkImageFileName(fail, "fileName", name, content as ImageContent), /Proxmox keeps .* files named/);
  });

  it("refuses any name Proxmox's normalisation would rewrite (property)", () => {
    const unsafe = fc.tuple(safe, fc.constantFrom(" ", "/", ":", "\\", "ä", "+", "=", "%"), safe).map(([a, c, b]) => `${a}${c}${b}.iso`);
    fc.assert(fc.property(unsafe, (name) => {
      expect(() => checkImageFileName(fail, "fileName", name, "iso")).toThrow(/plain file name/);
    }));
  });

  it("accepts every plain name with a kept ending, for each content type (property)", () => {
    const endings = { iso: [".iso", ".img"], vztmpl: [".tar", ".tar.gz", ".tar.xz", ".tar.zst", ".tar.bz2"], import: [".qcow2", ".raw", ".vmdk", ".ova"] } as const;
    const named = fc.constantFrom(...(Object.keys(endings) as ImageContent[])).chain((content) => fc.tuple(fc.constant(content), safe, fc.constantFrom(...endings[content])));
    fc.assert(fc.property(named, ([content, stem, ext]) => {
      expect(checkImageFileName(fail, "fileName", `${stem}${ext}`, content)).toBe(`${stem}${ext}`);
    }));
  });

  it("names a URL's file like the provider and refuses one Proxmox would not keep", () => {
    expect(checkUrlFileName(fail, "url", "https://cdimage.debian.org/debian-cd/current/amd64/iso-cd/debian-13.1.0-amd64-netinst.iso", "iso")).toBe("debian-13.1.0-amd64-netinst.iso");
    refused(() => checkUrlFileName(fail, "url", "https://cloud-images.ubuntu.com/noble/current/noble-server-cloudimg-amd64.img", "import"), /fileName.*noble-server-cloudimg-amd64.img/);
  });

  it("checks a checksum's length against its algorithm", () => {
    ok(() => checkChecksum(fail, "checksum", "a".repeat(64), "sha256"));
    ok(() => checkChecksum(fail, "checksum", "AB".repeat(64), "sha512"));
    refused(() => checkChecksum(fail, "checksum", "a".repeat(64), "sha512"), /sha512 checksum is 128 hexadecimal digits/);
    fc.assert(fc.property(fc.string().filter((s) => !/^[0-9a-fA-F]{40}$/.test(s)), (s) => {
      expect(() => checkChecksum(fail, "checksum", s, "sha1")).toThrow(HearthValidationError);
    }));
  });

  it("takes OCI references with a tag, as oci-registry-pull's pattern does", () => {
    for (const r of ["docker.io/library/alpine:3.22", "alpine:latest", "ghcr.io/home-assistant/home-assistant:2026.11", "registry.lan:5000/team/app_x:v1.2-rc"]) ok(() => checkOciReference(fail, "reference", r));
    for (const r of ["alpine", "docker.io/library/alpine@sha256:abc", "Docker.io/Library/Alpine:3", "alpine:", "https://docker.io/alpine:3"]) refused(() => checkOciReference(fail, "reference", r), /reference/);
    expect(ociFileName("docker.io/library/alpine:3.22")).toBe("alpine_3.22.tar");
    ok(() => checkOciFileName(fail, "fileName", "alpine_3.22.tar"));
    refused(() => checkOciFileName(fail, "fileName", "alpine.tar.zst"), /ending in .tar/);
  });

  it("checks a volume id's content type and file ending", () => {
    ok(() => checkImageVolume(fail, "iso", "local:iso/debian-13.iso", "iso", "local:iso/x.iso"));
    ok(() => checkImageVolume(fail, "template", "nfs-images:vztmpl/alpine_3.22.tar", "vztmpl", "local:vztmpl/x.tar"));
    for (const v of ["local:vztmpl/debian-13.iso", "local:iso/debian.qcow2", "debian-13.iso", "local:iso/", "local:iso/a/b.iso"]) refused(() => checkImageVolume(fail, "iso", v, "iso", "local:iso/x.iso"), /use an iso volume/);
  });
});

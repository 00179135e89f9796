import { describe, expect, it } from "vitest";
import { ApiError } from "../router.js";
import { checkDownloadFile, encodeText, normalizeContentFilename } from "./storage.js";

const refusal = (content: string, name: string): Record<string, string> | undefined => {
  try {
    checkDownloadFile(content, name);
    return undefined;
  } catch (e) {
    return (e as ApiError).fields;
  }
};

describe("download-url file names (pve-storage API2/Storage/Status.pm download_url)", () => {
  it("normalises the name like normalize_content_filename", () => {
    expect(normalizeContentFilename("../a/b/debian 12 (cloud).qcow2")).toBe("debian_12__cloud_.qcow2");
    expect(normalizeContentFilename("C:\\images\\x.iso")).toBe("x.iso");
  });

  it.each([
    ["iso", "debian-12.iso", "iso"],
    ["iso", "FreeBSD.IMG", "iso"],
    ["vztmpl", "debian-12-standard.tar.zst", "tar.zst"],
    ["vztmpl", "alpine.tar", "tar"],
    ["import", "debian-12-generic-amd64.qcow2", "qcow2"],
    ["import", "appliance.ova", "ova"],
    ["import", "disk.raw", "raw"],
  ])("accepts %s %s", (content, name, format) => {
    expect(checkDownloadFile(content, name)).toEqual({ filename: name, format });
  });

  it.each([
    ["iso", "debian-12.qcow2", { filename: "wrong file extension" }],
    ["vztmpl", "alpine.tar.lz4", { filename: "wrong file extension" }],
    ["import", "debian-12.img", { filename: "invalid filename or wrong extension" }],
    ["import", "debian-12.QCOW2", { filename: "invalid filename or wrong extension" }],
    ["import", "debian-12.qcow2.tmp", { filename: "invalid filename or wrong extension" }],
    ["backup", "x.vma.zst", { filename: "upload content-type 'backup' is not allowed" }],
  ])("refuses %s %s", (content, name, fields) => {
    expect(refusal(content, name)).toEqual(fields);
  });

  it("names the task after the file, encoded like encode_text", () => {
    expect(encodeText("debian-12.qcow2")).toBe("debian-12.qcow2");
    expect(encodeText("a:b%c")).toBe("a%3Ab%25c");
  });
});

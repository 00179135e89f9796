import type { Fail } from "@hearth/core";

// What Proxmox VE accepts as a downloaded image's file name and a launched-from volume id.
// Sources: proxmox/pve-storage src/PVE/API2/Storage/Status.pm (`download_url`,
// `oci_registry_pull`) and src/PVE/Storage.pm (`normalize_content_filename`, `$ISO_EXT_RE_0`,
// `$VZTMPL_EXT_RE_1`, `$UPLOAD_IMPORT_EXT_RE_1`, `$SAFE_CHAR_CLASS_RE`), and
// bpg/terraform-provider-proxmox (v0.111.1+, the code the bridged proxmoxve 8.6.0 runs):
// fwprovider/nodes/resource_download_file.go and resource_oci_image.go.

/** What a downloaded image holds, as Proxmox's `download-url` names it (its `content` enum). */
export const ImageContent = {
  /** A CD/DVD image a VM boots or mounts (`.iso`, `.img`). */
  iso: "iso",
  /** An LXC container template (`.tar`, `.tar.gz|xz|zst|bz2`). */
  vztmpl: "vztmpl",
  /** A disk image a VM imports (`.qcow2`, `.raw`, `.vmdk`) or an appliance (`.ova`). */
  import: "import",
} as const;
export type ImageContent = (typeof ImageContent)[keyof typeof ImageContent];
export const imageContents: readonly ImageContent[] = Object.values(ImageContent);

/** The algorithms Proxmox checks a downloaded image's checksum with (`download-url` `checksum-algorithm`). */
export const ChecksumAlgorithm = { md5: "md5", sha1: "sha1", sha224: "sha224", sha256: "sha256", sha384: "sha384", sha512: "sha512" } as const;
export type ChecksumAlgorithm = (typeof ChecksumAlgorithm)[keyof typeof ChecksumAlgorithm];
export const checksumAlgorithms: readonly ChecksumAlgorithm[] = Object.values(ChecksumAlgorithm);

/** Hex digest lengths, so a checksum of the wrong algorithm is refused before a 2 GB download fails on it. */
const digestLength: Record<ChecksumAlgorithm, number> = { md5: 32, sha1: 40, sha224: 56, sha256: 64, sha384: 96, sha512: 128 };

/**
 * How `download-url` can decompress an ISO on the way (Status.pm: `compression` is
 * `KNOWN_COMPRESSION_FORMATS` of src/PVE/Storage/Plugin.pm, and "decompression not supported
 * for $content" for anything but `iso`).
 */
export const ImageDecompression = { gz: "gz", lzo: "lzo", zst: "zst", bz2: "bz2" } as const;
export type ImageDecompression = (typeof ImageDecompression)[keyof typeof ImageDecompression];
export const imageDecompressions: readonly ImageDecompression[] = Object.values(ImageDecompression);

/** The file-name ending each content type needs, with what Proxmox says when it is wrong. */
const extensionOf: Record<ImageContent, { re: RegExp; names: string; example: string }> = {
  // Storage.pm $ISO_EXT_RE_0 = qr/\.(?:iso|img)/i
  iso: { re: /\.(?:iso|img)$/i, names: ".iso or .img", example: "debian-13.1.0-amd64-netinst.iso" },
  // Storage.pm $VZTMPL_EXT_RE_1 = qr/\.(?|(tar)(?!\.)|tar\.(gz|xz|zst|bz2))/i
  vztmpl: { re: /\.(?:tar|tar\.(?:gz|xz|zst|bz2))$/i, names: ".tar, .tar.gz, .tar.xz, .tar.zst or .tar.bz2", example: "debian-13-standard_13.1-2_amd64.tar.zst" },
  // Storage.pm $UPLOAD_IMPORT_EXT_RE_1 = qr/\.(ova|qcow2|raw|vmdk)/ (case-sensitive)
  import: { re: /\.(?:ova|qcow2|raw|vmdk)$/, names: ".qcow2, .raw, .vmdk or .ova (lower case)", example: "debian-13-generic-amd64.qcow2" },
};

/**
 * The disk formats a VM's `import-from` takes: `import` files but `.ova`, an appliance archive
 * the import wizard unpacks, not a disk (Storage.pm `$IMPORT_EXT_RE_1` lists both; qemu-server
 * imports the disk formats).
 */
export const IMPORT_DISK_FILE = /\.(qcow2|raw|vmdk)$/;

/** The last path segment of a URL, as the provider names a downloaded file without `fileName`. */
export function urlFileName(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split("/").pop() ?? "");
  } catch {
    return url;
  }
}

/** `download-url`'s `url` pattern (`https?://.*`), with a host and a file. */
export function checkImageUrl(fail: Fail, field: string, url: unknown): string {
  if (typeof url !== "string" || !/^https?:\/\/[^\s/]+\/\S+$/.test(url)) fail(field, url, "use an http(s) URL of the image file, such as https://cdimage.debian.org/.../debian-13.1.0-amd64-netinst.iso");
  return url as string;
}

/**
 * A file name as Proxmox keeps it: `download-url` and `oci-registry-pull` normalise it
 * (`normalize_content_filename`: the last path part, every character but `a-zA-Z0-9_.-` as `_`),
 * and the provider looks the file up by the name it sent, so a name normalisation would change
 * is refused here rather than found missing after the download. `content` adds its extension
 * check (Status.pm `download_url`: "wrong file extension", "invalid filename or wrong
 * extension"); at most 255 characters (the `filename` parameter's maxLength).
 */
export function checkImageFileName(fail: Fail, field: string, name: unknown, content: ImageContent): string {
  const ext = extensionOf[content];
  if (typeof name !== "string" || !/^[A-Za-z0-9_.-]{1,255}$/.test(name) || /^\.+$/.test(name)) {
    fail(field, name, `use a plain file name of letters, digits, '_', '.' and '-' (Proxmox rewrites any other character), such as ${ext.example}`);
  }
  if (!ext.re.test(name as string)) fail(field, name, `Proxmox keeps ${content} files named ${ext.names}, such as ${ext.example}`);
  return name as string;
}

/** The file name a download gets from its URL when `fileName` is left out, checked like a given one. */
export function checkUrlFileName(fail: Fail, urlField: string, url: string, content: ImageContent): string {
  const fromUrl = urlFileName(url);
  const ext = extensionOf[content];
  if (!/^[A-Za-z0-9_.-]{1,255}$/.test(fromUrl) || !ext.re.test(fromUrl)) {
    fail("fileName", undefined, `the file of ${urlField} ("${fromUrl}") is not a ${content} name Proxmox keeps (${ext.names}, plain characters); set fileName, such as ${ext.example}`);
  }
  return fromUrl;
}

/** A checksum: hex of its algorithm's length (pve-common Tools.pm compares lower-case hex digests). */
export function checkChecksum(fail: Fail, field: string, checksum: unknown, algorithm: ChecksumAlgorithm): string {
  const length = digestLength[algorithm];
  if (typeof checksum !== "string" || !new RegExp(`^[0-9a-fA-F]{${length}}$`).test(checksum)) {
    fail(field, checksum, `a ${algorithm} checksum is ${length} hexadecimal digits`);
  }
  return checksum as string;
}

/**
 * `oci-registry-pull`'s `reference` pattern (Status.pm): an optional registry host[:port]/,
 * a lower-case repository path, and a mandatory `:tag` (no digest references).
 */
export const OCI_REFERENCE =
  /^(?:(?:[a-zA-Z\d]|[a-zA-Z\d][a-zA-Z\d-]*[a-zA-Z\d])(?:\.(?:[a-zA-Z\d]|[a-zA-Z\d][a-zA-Z\d-]*[a-zA-Z\d]))*(?::\d+)?\/)?[a-z\d]+(?:(?:[._]|__|[-]*)[a-z\d]+)*(?:\/[a-z\d]+(?:(?:[._]|__|[-]*)[a-z\d]+)*)*:\w[\w.-]{0,127}$/;

export function checkOciReference(fail: Fail, field: string, reference: unknown): string {
  if (typeof reference !== "string" || !OCI_REFERENCE.test(reference)) {
    fail(field, reference, "use an image reference with a tag, such as docker.io/library/alpine:3.22 (Proxmox pulls by tag, not by digest)");
  }
  return reference as string;
}

/**
 * The file an OCI pull writes: the provider sends `fileName` without `.tar` (or, left out, the
 * reference's last part with ':' as '_'), and Proxmox appends `.tar` after normalising it.
 */
export function ociFileName(reference: string): string {
  return `${reference.split("/").pop()!.replaceAll(":", "_")}.tar`;
}

export function checkOciFileName(fail: Fail, field: string, name: unknown): string {
  if (typeof name !== "string" || !/^[A-Za-z0-9_.-]{1,251}\.tar$/.test(name)) {
    fail(field, name, "use a plain file name ending in .tar (letters, digits, '_', '.', '-'), such as alpine_3.22.tar");
  }
  return name as string;
}

/**
 * A volume id of a file of `content` on a storage, as the components that launch from one take
 * it (`local:iso/debian-13.iso`, `local:vztmpl/debian-13-standard_13.1-2_amd64.tar.zst`,
 * `local:import/debian-13.qcow2`; pve-storage src/PVE/Storage/Plugin.pm `parse_volname`).
 */
export function checkImageVolume(fail: Fail, field: string, value: unknown, content: ImageContent, example: string): string {
  const m = typeof value === "string" ? /^([a-z][a-z0-9\-_.]*[a-z0-9]):([a-z]+)\/([^/\s]+)$/i.exec(value) : null;
  if (!m || m[2] !== content || !extensionOf[content].re.test(m[3]!)) {
    fail(field, value, `use ${content === "vztmpl" ? "a" : "an"} ${content} volume such as "${example}" (an Image's volumeId)`);
  }
  return value as string;
}

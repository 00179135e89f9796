import { existsSync, readFileSync } from "node:fs";
import { isIPv6 } from "node:net";
import type { PveSchema } from "./pve.js";

/**
 * The named string formats of the Proxmox VE API schema that Hearth's providers send, ported
 * from their verifier functions in proxmox/pve-common `src/PVE/JSONSchema.pm` (each
 * `register_format(NAME, \&verifier)`; the die texts are the verifiers' own). A verifier returns
 * `undefined` for a good value and the message PVE dies with (newline included, as PVE's
 * `errors` carry it) for a bad one.
 *
 * `NAME-list` and `NAME-opt` are derived the way `check_format` does: a list is split by
 * `split_list` (proxmox/pve-common `src/PVE/ParseUtils.pm`: NUL, or `,` `;` and whitespace) and
 * every item verified; `-opt` verifies only a non-empty value.
 */
export type FormatVerifier = (value: string) => string | undefined;

// proxmox/pve-common src/PVE/ParseUtils.pm: $IPV4OCTET and $IPV4RE.
const IPV4_OCTET = "(?:25[0-5]|(?:2[0-4]|1[0-9]|[1-9])?[0-9])";
const IPV4_RE = `(?:(?:${IPV4_OCTET}\\.){3}${IPV4_OCTET})`;
const isIPv4 = (v: string): boolean => new RegExp(`^${IPV4_RE}$`).test(v);

/** proxmox/pve-common src/PVE/JSONSchema.pm `$CONFIGID_RE`. */
const CONFIGID_RE = /^[a-z][a-z0-9_-]+$/i;
/** proxmox/pve-common src/PVE/JSONSchema.pm `$PVE_TAG_RE` (anchored, case-insensitive). */
const TAG_RE = /^[a-z0-9_][a-z0-9_\-+.]*$/i;
const DNS_LABEL = "([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)";
const DNS_NAME_RE = new RegExp(`^(${DNS_LABEL}\\.)*${DNS_LABEL}$`);

const cidr = (v: string, family: 4 | 6): boolean => {
  const m = /^(.+)\/(\d+)$/.exec(v);
  if (!m) return false;
  const bits = Number(m[2]);
  const max = family === 4 ? 32 : 128;
  return (family === 4 ? isIPv4(m[1]!) : isIPv6(m[1]!)) && bits > 7 && bits <= max;
};

/** `parse_id` (pve-common JSONSchema.pm), shared by storage and ACME plugin ids. */
const parseId = (type: string) => (id: string): string | undefined => {
  if (id.length < 2) return `${type} ID '${id}' cannot be shorter than 2 characters\n`;
  if (!/^[a-z][a-z0-9\-_.]*[a-z0-9]$/i.test(id)) return `${type} ID '${id}' contains illegal characters\n`;
  return undefined;
};

/** `parse_size` (pve-common JSONSchema.pm): a number with an optional K/M/G/T (or KiB...) unit. */
export const isDiskSize = (v: string): boolean => /^(\d+(\.\d+)?)([KMGT](?:iB)?)?$/.test(v);

const ipv4Masks = new Set(Array.from({ length: 33 }, (_, bits) => {
  const n = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
}));

function verifySdnId(kind: string, id: string): string | undefined {
  if (!/^[a-z][a-z0-9]*[a-z0-9]$/i.test(id)) return `${kind} ID '${id}' contains illegal characters\n`;
  if (id.length > 8) return `${kind} ID '${id}' can't be more length than 8 characters\n`;
  return undefined;
}

/** Names (first column) of a host file such as /etc/services, read like pve-firewall's parsers do. */
const etcFiles = new Map<string, Set<string>>();
function etcFile(file: string, line: RegExp): Set<string> {
  let names = etcFiles.get(file);
  if (!names) {
    names = new Set();
    if (existsSync(file))
      for (const l of readFileSync(file, "utf8").split("\n")) {
        const m = l.startsWith("#") ? null : line.exec(l);
        if (m) names.add(m[1]!).add(m[2]!);
      }
    etcFiles.set(file, names);
  }
  return names;
}

/** Perl's `split(/,/, $str)`: no fields for an empty string, trailing empty fields dropped. */
function perlSplitComma(str: string): string[] {
  const parts = str === "" ? [] : str.split(",");
  while (parts.length && parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** `parse_port_name_number_or_range` (pve-firewall Firewall.pm), without the ICMP type names. */
function verifyPortSpec(str: string): string | undefined {
  const elements = perlSplitComma(str);
  if (str !== elements.join(",")) return "extraneous commas in list\n";
  let count = 0;
  for (const item of elements) {
    const range = /^([0-9]+):([0-9]+)$/.exec(item);
    if (range) {
      count += 2;
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (a > 65535) return `invalid port '${range[1]}'\n`;
      if (b > 65535) return `invalid port '${range[2]}'\n`;
      if (a > b) return `backwards range '${range[1]}:${range[2]}' not allowed, did you mean '${range[2]}:${range[1]}'?\n`;
    } else if (/^[0-9]+$/.test(item)) {
      count += 1;
      if (Number(item) > 65535) return `invalid port '${item}'\n`;
    } else if (!etcFile("/etc/services", /^(\S+)\s+(\S+)\/(?:tcp|udp|sctp).*$/).has(item)) return `invalid port '${item}'\n`;
  }
  return count > 15 ? "too many entries in port list (> 15 numbers)\n" : undefined;
}

const ipToBigInt = (ip: string): bigint | undefined => {
  if (isIPv4(ip)) return ip.split(".").reduce((n, o) => (n << 8n) + BigInt(o), 0n);
  if (!isIPv6(ip)) return undefined;
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.length === 8 && groups.every((g) => /^[0-9a-f]{1,4}$/i.test(g)) ? groups.reduce((n, g) => (n << 16n) + BigInt(parseInt(g, 16)), 0n) : undefined;
};

/**
 * `parse_address_list` (proxmox/pve-firewall src/PVE/Firewall.pm): an ipset (`+name`), an
 * alias (`[dc/|guest/]name`), or a comma list of addresses, networks and ranges as Net::IP
 * reads them (a network's host bits must be zero), one IP version, a range only alone. The
 * reason after "invalid IP address:" is ours; Net::IP words it differently.
 */
function verifyAddressSpec(str: string): string | undefined {
  if (/^(\+)(\S+)$/.test(str)) return str.length > 65 ? "ipset name too long\n" : undefined;
  if (/^(dc\/|guest\/)?[A-Za-z][A-Za-z0-9\-_]+$/.test(str)) return str.length > 64 ? "alias name too long\n" : undefined;
  const elements = perlSplitComma(str);
  if (str !== elements.join(",")) return "extraneous commas in list\n";
  let version: 4 | 6 | undefined;
  let range = false;
  for (const elem of elements) {
    let family: 4 | 6 | undefined;
    const [a, b] = elem.split("-", 2) as [string, string | undefined];
    if (b !== undefined) {
      range = true;
      const [x, y] = [ipToBigInt(a.trim()), ipToBigInt(b.trim())];
      family = x !== undefined && y !== undefined && isIPv4(a.trim()) === isIPv4(b.trim()) && x <= y ? (isIPv4(a.trim()) ? 4 : 6) : undefined;
    } else {
      const [addr, bits] = elem.split("/", 2) as [string, string | undefined];
      const n = ipToBigInt(addr);
      const width = isIPv4(addr) ? 32 : 128;
      const prefix = bits === undefined ? width : /^\d+$/.test(bits) ? Number(bits) : NaN;
      const hostBitsZero = n !== undefined && prefix >= 0 && prefix <= width && (prefix === width || (n & ((1n << BigInt(width - prefix)) - 1n)) === 0n);
      family = hostBitsZero ? (width === 32 ? 4 : 6) : undefined;
    }
    if (!family) return `invalid IP address: '${elem}' is not an address, network or range\n`;
    if (version && version !== family) return `detected mixed ipv4/ipv6 addresses in address list '${str}'\n`;
    version = family;
  }
  return range && elements.length > 1 ? "you can't use a range in a list\n" : undefined;
}

function verifyVolumeId(v: string): string | undefined {
  return /^([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)$/is.test(v) ? undefined : `unable to parse volume ID '${v}'\n`;
}

const verifyVlan = (v: string): string | undefined => {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (!m) return `invalid VLAN configuration '${v}'\n`;
  for (const tag of [m[1], m[2]]) if (tag !== undefined && (Number(tag) < 2 || Number(tag) > 4094)) return `invalid VLAN tag '${tag}'\n`;
  if (m[2] !== undefined && Number(m[1]) >= Number(m[2])) return `VLAN range must go from lower to higher tag '${v}'\n`;
  return undefined;
};

/** `pve_parse_startup_order`: `[order=]N`, `up=N`, `down=N`, comma separated. */
const verifyStartup = (v: string): string | undefined => {
  const parts = v.split(",").filter((p) => !/^\s*$/.test(p));
  const ok = v !== "" && v !== "0" && parts.every((p) => /^(order=)?\d+$/.test(p) || /^up=\d+$/.test(p) || /^down=\d+$/.test(p));
  return ok ? undefined : "unable to parse startup options\n";
};

export const PVE_FORMATS: Record<string, FormatVerifier> = {
  string: () => undefined,
  urlencoded: (v) => (/^[-%a-zA-Z0-9_.!~*'()]*$/.test(v) ? undefined : `invalid urlencoded string: ${v}\n`),
  "pve-configid": (v) => (CONFIGID_RE.test(v) ? undefined : `invalid configuration ID '${v}'\n`),
  "pve-storage-id": parseId("storage"),
  "pve-bridge-id": (v) => (/^[-_.\w\d]+$/.test(v) ? undefined : `invalid bridge ID '${v}'\n`),
  "pve-vmid": (v) => (/^[1-9][0-9]{2,8}$/.test(v) ? undefined : "value does not look like a valid VM ID\n"),
  "pve-node": (v) => (/^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)$/.test(v) ? undefined : "value does not look like a valid node name\n"),
  "mac-addr": (v) => (/^[a-f0-9][02468ace](?::[a-f0-9]{2}){5}$/i.test(v) ? undefined : "value does not look like a valid unicast MAC address\n"),
  ipv4: (v) => (isIPv4(v) ? undefined : "value does not look like a valid IPv4 address\n"),
  ipv6: (v) => (isIPv6(v) ? undefined : "value does not look like a valid IPv6 address\n"),
  ip: (v) => (isIPv4(v) || isIPv6(v) ? undefined : "value does not look like a valid IP address\n"),
  ipv4mask: (v) => (ipv4Masks.has(v) ? undefined : "value does not look like a valid IP netmask\n"),
  CIDRv4: (v) => (cidr(v, 4) ? undefined : "value does not look like a valid IPv4 CIDR network\n"),
  CIDRv6: (v) => (cidr(v, 6) ? undefined : "value does not look like a valid IPv6 CIDR network\n"),
  CIDR: (v) => (cidr(v, 4) || cidr(v, 6) ? undefined : "value does not look like a valid CIDR network\n"),
  "pve-ipv4-config": (v) => (/^(?:dhcp|manual)$/.test(v) || cidr(v, 4) ? undefined : "value does not look like a valid ipv4 network configuration\n"),
  "pve-ipv6-config": (v) => (/^(?:auto|dhcp|manual)$/.test(v) || cidr(v, 6) ? undefined : "value does not look like a valid ipv6 network configuration\n"),
  "dns-name": (v) => (DNS_NAME_RE.test(v) ? undefined : "value does not look like a valid DNS name\n"),
  "pve-iface": (v) => (/^[a-z][a-z0-9_]{1,20}([:.]\d+)?$/i.test(v) ? undefined : `invalid network interface name '${v}'\n`),
  "pve-vlan-id-or-range": verifyVlan,
  address: (v) => (isIPv4(v) || isIPv6(v) || DNS_NAME_RE.test(v) ? undefined : `value does not look like a valid address: ${v}\n`),
  "disk-size": (v) => (isDiskSize(v) ? undefined : `value does not look like a valid disk size: ${v}\n`),
  "pve-startup-order": verifyStartup,
  "pve-tag": (v) => (TAG_RE.test(v) ? undefined : "invalid characters in tag\n"),
  "pve-task-status-type": (v) => (/^(ok|error|warning|unknown)$/i.test(v) ? undefined : `invalid status '${v}'\n`),
  // proxmox/pve-storage src/PVE/Storage/Plugin.pm `parse_volume_id`.
  "pve-volume-id": verifyVolumeId,
  // proxmox/qemu-server src/PVE/QemuServer.pm `verify_volume_id_or_absolute_path` / `verify_volume_id_or_qm_path`.
  "pve-volume-id-or-absolute-path": (v) => (v.startsWith("/") ? undefined : verifyVolumeId(v)),
  "pve-volume-id-or-qm-path": (v) => (v === "none" || v === "cdrom" || v.startsWith("/") ? undefined : verifyVolumeId(v)),
  // proxmox/pve-storage src/PVE/Storage/Plugin.pm `verify_content`: the dir plugin's content types (DirPlugin.pm `plugindata`) and `import`.
  "pve-storage-content": (v) => (["images", "rootdir", "vztmpl", "iso", "backup", "snippets", "none", "import"].includes(v) ? undefined : `invalid content type '${v}'\n`),
  // proxmox/pve-firewall src/PVE/Firewall.pm `pve_fw_verify_sport_spec` / `pve_fw_verify_dport_spec` -> `parse_port_name_number_or_range`.
  "pve-fw-sport-spec": (v) => verifyPortSpec(v),
  "pve-fw-dport-spec": (v) => verifyPortSpec(v),
  // proxmox/qemu-server src/PVE/QemuServer.pm `verify_bootdev`: a drive (not efidisk/tpmstate/unused), netN, usbN or hostpciN
  // that exists (Drive.pm: ide 4, sata 6, scsi 31, virtio 16; QemuServer.pm MAX_NETS 32; USB.pm 14; PCI.pm 16).
  "pve-qm-bootdev": (v) => {
    const m = /^(ide|sata|scsi|virtio|net|usb|hostpci)(\d+)$/.exec(v);
    const max: Record<string, number> = { ide: 4, sata: 6, scsi: 31, virtio: 16, net: 32, usb: 14, hostpci: 16 };
    return m && !/^0\d/.test(m[2]!) && Number(m[2]) < max[m[1]!]! ? undefined : `invalid boot device '${v}'\n`;
  },
  // proxmox/pve-firewall src/PVE/Firewall.pm `pve_fw_verify_addr_spec` -> `parse_address_list`.
  "pve-fw-addr-spec": verifyAddressSpec,
  // proxmox/qemu-server src/PVE/QemuServer/CPUConfig.pm `parse_phys_bits`.
  "pve-phys-bits": (v) => (/^(host|\d{1,2})$/.test(v) && (v === "host" || (Number(v) >= 8 && Number(v) <= 64)) ? undefined : "value must be an integer between 8 and 64 or 'host'\n"),
  // proxmox/pve-firewall src/PVE/Firewall.pm `pve_fw_verify_protocol_spec` (names and numbers of /etc/protocols, plus icmpv6).
  "pve-fw-protocol-spec": (v) => {
    const protocols = etcFile("/etc/protocols", /^(\S+)\s+(\d+)(?:\s+.*)?$/);
    return !v || v === "icmpv6" || protocols.has(v) ? undefined : `unknown protocol '${v}'\n`;
  },
  // proxmox/pve-network src/PVE/Network/SDN/Zones/Plugin.pm and VnetPlugin.pm `parse_sdn_zone_id` / `parse_sdn_vnet_id`,
  // as in PVE 9.1.3 (commit ecf98c5, 2026, later replaced the formats by a pattern).
  "pve-sdn-zone-id": (v) => verifySdnId("zone", v),
  "pve-sdn-vnet-id": (v) => verifySdnId("vnet", v),
  // proxmox/pve-network src/PVE/Network/SDN/SubnetPlugin.pm `parse_sdn_subnet_id`: a CIDR, or `zone-ip-mask`.
  "pve-sdn-subnet-id": (v) => {
    const [, ip, mask] = v.includes("/") ? [undefined, ...v.split("/")] : v.split("-");
    return cidr(`${ip ?? ""}/${mask ?? ""}`, 4) || cidr(`${ip ?? ""}/${mask ?? ""}`, 6) ? undefined : "value does not look like a valid CIDR network\n";
  },
  // proxmox/pve-access-control src/PVE/AccessControl.pm `verify_poolname`.
  // pve-container src/PVE/LXC/Config.pm `verify_lxc_mp_string`: no `/./`, `/../`, trailing `/.`, `/..`, or leading `../`.
  "pve-lxc-mp-string": (v) => (/\/\.\.?\//.test(v) || /\/\.\.?$/.test(v) || /^\.\.\//.test(v) ? `${v} contains illegal character sequences\n` : undefined),
  "pve-poolid": (v) =>
    v.split("/").length > 3
      ? `pool name '${v}' nested too deeply (max levels = 3)\n`
      : /^[A-Za-z0-9.\-_]+(?:\/[A-Za-z0-9.\-_]+){0,2}$/.test(v)
        ? undefined
        : `pool name '${v}' contains invalid characters\n`,
};

/**
 * Named property-string formats whose keys the API dump does not spell out (it prints only the
 * name), from their `register_format(NAME, {...})` in the Proxmox sources.
 */
export const PVE_PROPERTY_FORMATS: Record<string, Record<string, PveSchema>> = {
  // proxmox/qemu-server src/PVE/QemuServer/Network.pm `$ipconfig_fmt`.
  "pve-qm-ipconfig": {
    ip: { type: "string", format: "pve-ipv4-config", optional: 1 },
    gw: { type: "string", format: "ipv4", optional: 1, requires: "ip" },
    ip6: { type: "string", format: "pve-ipv6-config", optional: 1 },
    gw6: { type: "string", format: "ipv6", optional: 1, requires: "ip6" },
  },
  // proxmox/qemu-server src/PVE/QemuServer.pm `$boot_fmt`.
  "pve-qm-boot": {
    legacy: { type: "string", pattern: "[acdn]{1,4}", default_key: 1, optional: 1 },
    order: { type: "string", format: "pve-qm-bootdev-list", optional: 1 },
  },
  // proxmox/qemu-server src/PVE/QemuServer/CPUConfig.pm `$cpu_fmt` (the `reported-model` enum
  // and the `flags` pattern come from QEMU's model and flag tables and are not checked).
  "pve-vm-cpu-conf": {
    cputype: { type: "string", default_key: 1, optional: 1 },
    "reported-model": { type: "string", optional: 1 },
    hidden: { type: "boolean", optional: 1 },
    "hv-vendor-id": { type: "string", pattern: "[a-zA-Z0-9]{1,12}", optional: 1 },
    flags: { type: "string", optional: 1 },
    "guest-phys-bits": { type: "integer", minimum: 32, maximum: 64, optional: 1 },
    "phys-bits": { type: "string", format: "pve-phys-bits", optional: 1 },
    level: { type: "integer", minimum: 0, maximum: 4294967295, optional: 1 },
  },
  // proxmox/pve-storage src/PVE/Storage/Plugin.pm `$prune_backups_format`.
  "prune-backups": Object.fromEntries([
    ["keep-all", { type: "boolean", optional: 1 }],
    ...["keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly"].map((k) => [k, { type: "integer", minimum: "0", optional: 1 }]),
  ]) as Record<string, PveSchema>,
  // proxmox/pve-network src/PVE/Network/SDN/SubnetPlugin.pm `$dhcp_range_fmt` (type 'ip' is no type check_type knows, so any value).
  "pve-sdn-dhcp-range": { "start-address": { type: "ip" }, "end-address": { type: "ip" } },
};

/** Validators attached to named property-string formats (`register_format(NAME, FORMAT, VALIDATOR)`), run on the parsed keys. */
export const PVE_PROPERTY_VALIDATORS: Record<string, (parsed: Record<string, unknown>) => string | undefined> = {
  // proxmox/qemu-server src/PVE/QemuServer/CPUConfig.pm `validate_vm_cpu_conf` (whether the model exists is not checked).
  "pve-vm-cpu-conf": (p) =>
    !p.cputype ? "CPU is missing cputype\n" : p["reported-model"] !== undefined ? "Property 'reported-model' not allowed in VM-specific CPU config.\n" : undefined,
  // proxmox/pve-storage src/PVE/Storage/Plugin.pm `validate_prune_backups`.
  "prune-backups": (p) => {
    const others = Object.entries(p).filter(([k]) => k !== "keep-all");
    return String(p["keep-all"]) === "1" && others.some(([, v]) => Number(v) > 0) ? "keep-all cannot be set together with other options.\n" : undefined;
  },
};

/** `split_list` (proxmox/pve-common src/PVE/ParseUtils.pm). */
export function splitList(text: string): string[] {
  if (text.includes("\0")) return text.split("\0");
  return text.replace(/[,;]/g, " ").replace(/^\s+/, "").split(/\s+/).filter((s, i, all) => !(s === "" && i === all.length - 1));
}

/**
 * The verifier for a named format, with `-list` / `-opt` derived like `check_format`; undefined
 * when the checker does not implement the format (the caller reports that, see the allowlist).
 */
export function namedFormat(name: string): FormatVerifier | undefined {
  if (PVE_FORMATS[name]) return PVE_FORMATS[name];
  const m = /^(.*?)-(list|opt)$/.exec(name);
  const base = m ? PVE_FORMATS[m[1]!] : undefined;
  if (!m || !base) return undefined;
  if (m[2] === "opt") return (v) => (v ? base(v) : undefined);
  return (v) => {
    for (const item of splitList(v)) {
      const err = base(item);
      if (err) return err;
    }
    return undefined;
  };
}

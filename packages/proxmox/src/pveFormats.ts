import type { Fail } from "@hearth/core";

/**
 * The formats and patterns of the PVE API that Hearth checks a value against before writing
 * it into a Proxmox id or property string (`net0: virtio,bridge=vmbr0,tag=20`), so that no
 * value can carry a `,key=value`, `=`, `;` or a line break into a place where PVE would
 * read it as configuration.
 *
 * Each format is PVE's own rule, cited where PVE defines it; {@link pveFields} names the API
 * parameter each Hearth field ends up in and the format or pattern the PVE API schema
 * (../shared/specs/pve-api-9.1.3.json, pve-docs 9.1.3 `api-viewer/apidata.js`) gives it, and
 * pveFormats.test.ts re-reads that schema and fails when it no longer says so.
 *
 * One difference on purpose: PVE matches with Perl's `m/^...$/`, whose `$` also matches
 * before a final newline (pve-common src/PVE/JSONSchema.pm check_type: `$value !~
 * m/^$pattern$/`), so `"vmbr0\n"` passes PVE's own check. These patterns are JavaScript
 * `^...$` without the `m` flag and refuse it. Perl's `\w` is also narrowed to ASCII.
 */
export interface PveFormat {
  /** PVE's name for it (`pve-node`), or `pattern:<where>` for a pattern given inline. */
  readonly name: string;
  readonly pattern: RegExp;
  readonly minLength?: number;
  readonly maxLength?: number;
  /** Where PVE defines the rule (repository and path, function). */
  readonly source: string;
  /** What is allowed, for a person. */
  readonly allowed: string;
}

const format = (f: PveFormat): PveFormat => f;

/** The pattern pve-api-9.1.3.json gives /cluster/firewall/groups POST `group` (and IPSet names). */
export const firewallGroupPattern = "[A-Za-z][A-Za-z0-9\\-\\_]+";

export const pveFormats = {
  node: format({
    name: "pve-node",
    pattern: /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    source: "proxmox/pve-common src/PVE/JSONSchema.pm pve_verify_node_name",
    allowed: "a node name is letters, digits and '-', starting and ending with a letter or digit, such as pve1",
  }),
  storage: format({
    name: "pve-storage-id",
    pattern: /^[a-zA-Z][a-zA-Z0-9._-]*[a-zA-Z0-9]$/,
    minLength: 2,
    source: "proxmox/pve-common src/PVE/JSONSchema.pm parse_storage_id -> parse_id",
    allowed: "a storage id is 2 or more letters, digits, '-', '_' or '.', starting with a letter and ending with a letter or digit, such as local-lvm",
  }),
  configId: format({
    name: "pve-configid",
    pattern: /^[a-zA-Z][a-zA-Z0-9_-]+$/,
    source: "proxmox/pve-common src/PVE/JSONSchema.pm pve_verify_configid ($CONFIGID_RE)",
    allowed: "an id is a letter followed by letters, digits, '-' or '_', at least 2 characters",
  }),
  pool: format({
    name: "pve-poolid",
    pattern: /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+){0,2}$/,
    source: "proxmox/pve-access-control src/PVE/AccessControl.pm verify_poolname",
    allowed: "a pool id is letters, digits, '.', '-' or '_', nested at most 3 levels with '/', such as prod or prod/web",
  }),
  tag: format({
    name: "pve-tag",
    pattern: /^[a-zA-Z0-9_][a-zA-Z0-9_+.-]*$/,
    source: "proxmox/pve-common src/PVE/JSONSchema.pm pve_verify_tag ($PVE_TAG_RE); pve-tag-list splits on ',', ';' and spaces (src/PVE/ParseUtils.pm split_list)",
    allowed: "a tag is letters, digits, '_', '-', '+' or '.', not starting with '-', '+' or '.'",
  }),
  bridge: format({
    name: "pve-bridge-id",
    pattern: /^[A-Za-z0-9._-]+$/,
    source: "proxmox/pve-common src/PVE/JSONSchema.pm parse_bridge_id",
    allowed: "a bridge is letters, digits, '.', '-' or '_', such as vmbr0",
  }),
  mac: format({
    name: "mac-addr",
    pattern: /^[a-fA-F0-9][02468aceACE](:[a-fA-F0-9]{2}){5}$/,
    source: "proxmox/pve-common src/PVE/JSONSchema.pm pve_verify_mac_addr (unicast: the I/G bit clear)",
    allowed: "a unicast MAC address XX:XX:XX:XX:XX:XX whose first byte is even, such as BC:24:11:00:00:01",
  }),
  iface: format({
    name: "pve-iface",
    pattern: /^[a-zA-Z][a-zA-Z0-9_]{1,20}([:.]\d+)?$/,
    minLength: 2,
    maxLength: 20,
    source: "proxmox/pve-common src/PVE/JSONSchema.pm pve_verify_iface; minLength/maxLength from /nodes/{node}/network POST iface",
    allowed: "an interface name is a letter, then letters, digits or '_', optionally '.N' or ':N', 2-20 characters, such as eno1 or bond0.20",
  }),
  sdnId: format({
    name: "pve-sdn-zone-id",
    pattern: /^[a-zA-Z][a-zA-Z0-9]*[a-zA-Z0-9]$/,
    minLength: 2,
    maxLength: 8,
    source: "proxmox/pve-network src/PVE/Network/SDN/Zones/Plugin.pm and VnetPlugin.pm (pve-sdn-zone-id, pve-sdn-vnet-id)",
    allowed: "an SDN zone or VNet id is 2-8 letters or digits, starting with a letter, such as lab or vnet20",
  }),
  firewallGroup: format({
    name: "pattern:/cluster/firewall/groups POST group",
    // The schema's pattern as written there, anchored as PVE anchors it.
    pattern: new RegExp(`^(?:${firewallGroupPattern})$`),
    minLength: 2,
    maxLength: 18,
    source: "pve-api-9.1.3.json /cluster/firewall/groups POST group (pattern, minLength, maxLength)",
    allowed: "a Proxmox security group name is 2-18 letters, digits, '-' or '_', starting with a letter",
  }),
  ipset: format({
    name: "pattern:/cluster/firewall/ipset POST name",
    pattern: new RegExp(`^(?:${firewallGroupPattern})$`),
    minLength: 2,
    maxLength: 64,
    source: "pve-api-9.1.3.json /cluster/firewall/ipset POST name (pattern, minLength, maxLength)",
    allowed: "an IPSet name is 2-64 letters, digits, '-' or '_', starting with a letter",
  }),
  dnsName: format({
    name: "dns-name",
    pattern: /^([a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/,
    source: "proxmox/pve-common src/PVE/JSONSchema.pm pve_verify_dns_name",
    allowed: "a DNS name is dot-separated labels of letters, digits and '-'",
  }),
  snippetVolume: format({
    name: "pve-volume-id (cicustom user=)",
    // pve-storage's volume id is `storage:name` with any name (`.+`); inside cicustom's
    // property string a ',' or '=' would start another key, so Hearth takes a plain file name.
    pattern: /^[a-zA-Z][a-zA-Z0-9._-]*[a-zA-Z0-9]:snippets\/[A-Za-z0-9][A-Za-z0-9._-]*$/,
    source: "proxmox/pve-storage src/PVE/Storage.pm parse_volume_id (storage:name), in the cicustom property string (pve-qm-cicustom)",
    allowed: "use a snippet file id such as local:snippets/web.yaml (a storage id, ':snippets/', a file name of letters, digits, '.', '-' or '_')",
  }),
  cpuType: format({
    name: "cputype (pve-vm-cpu-conf)",
    // The schema gives cputype no pattern; validate_vm_cpu_conf accepts only QEMU's model
    // names and `custom-<id>`. This is the character set of those names.
    pattern: /^[A-Za-z0-9][A-Za-z0-9._+-]*$/,
    maxLength: 64,
    source: "proxmox/qemu-server src/PVE/QemuServer/CPUConfig.pm $cpu_fmt cputype, validate_vm_cpu_conf",
    allowed: "a CPU type is a QEMU model name such as x86-64-v2-AES, host or custom-mymodel",
  }),
} as const satisfies Record<string, PveFormat>;

export type PveFormatKey = keyof typeof pveFormats;

/** True when `value` is a string PVE accepts for the format (and Hearth can write safely). */
export function isPveValue(key: PveFormatKey, value: unknown): value is string {
  const f: PveFormat = pveFormats[key];
  return (
    typeof value === "string" &&
    f.pattern.test(value) &&
    (f.minLength === undefined || value.length >= f.minLength) &&
    (f.maxLength === undefined || value.length <= f.maxLength)
  );
}

/** Checks a value against a PVE format; the message says what PVE allows there. */
export function checkPveValue(fail: Fail, field: string, value: unknown, key: PveFormatKey): string {
  if (!isPveValue(key, value)) fail(field, value, pveFormats[key].allowed);
  return value as string;
}

/**
 * Checks free text that PVE writes into a configuration file as a comment after `#`
 * (firewall rules and groups: proxmox/pve-firewall src/PVE/Firewall.pm writes
 * `" # " . encode('utf8', $rule->{comment})` and `"[group $group] # $comment"` as they are),
 * so a line break would start a new rule. Refused: control characters (C0, DEL, C1) and the
 * Unicode line and paragraph separators.
 */
export function checkPveComment(fail: Fail, field: string, value: unknown, maxLength = 255): string {
  if (typeof value !== "string" || value.length > maxLength || /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) {
    fail(field, value, `a comment is one line of at most ${maxLength} characters, without control characters or line breaks`);
  }
  return value as string;
}

/**
 * Where each Hearth value ends up in the PVE API, and the format or pattern the schema gives
 * that parameter (`schema`), or `undefined` where the schema gives none and Hearth applies the
 * rule of the id the value refers to (`check`). For property strings (`net[n]`), `key` is the
 * key inside it. pveFormats.test.ts holds this table against pve-api-9.1.3.json.
 */
export interface PveField {
  readonly hearth: string;
  readonly path: string;
  readonly method: "POST" | "PUT";
  readonly param: string;
  readonly key?: string;
  readonly schema: { readonly format?: string; readonly pattern?: string; readonly minLength?: number; readonly maxLength?: number } | undefined;
  readonly check: PveFormatKey | "comment";
}

export const pveFields: readonly PveField[] = [
  { hearth: "VmFromTemplate node, CloudImageTemplate node", path: "/nodes/{node}/qemu", method: "POST", param: "node", schema: { format: "pve-node" }, check: "node" },
  { hearth: "VmFromTemplate storage (clone target)", path: "/nodes/{node}/qemu/{vmid}/clone", method: "POST", param: "storage", schema: { format: "pve-storage-id" }, check: "storage" },
  { hearth: "VmFromTemplate pool", path: "/nodes/{node}/qemu/{vmid}/clone", method: "POST", param: "pool", schema: { format: "pve-poolid" }, check: "pool" },
  { hearth: "VmFromTemplate labels (as tags)", path: "/nodes/{node}/qemu/{vmid}/config", method: "PUT", param: "tags", schema: { format: "pve-tag-list" }, check: "tag" },
  { hearth: "VmFromTemplate networks[].bridge", path: "/nodes/{node}/qemu/{vmid}/config", method: "PUT", param: "net[n]", key: "bridge", schema: { format: "pve-bridge-id" }, check: "bridge" },
  { hearth: "VmFromTemplate networks[].macAddress", path: "/nodes/{node}/qemu/{vmid}/config", method: "PUT", param: "net[n]", key: "macaddr", schema: { format: "mac-addr" }, check: "mac" },
  { hearth: "VmFromTemplate hostname", path: "/nodes/{node}/qemu/{vmid}/config", method: "PUT", param: "name", schema: { format: "dns-name" }, check: "dnsName" },
  { hearth: "VmFromTemplate cloudInit.userDataFileId", path: "/nodes/{node}/qemu/{vmid}/config", method: "PUT", param: "cicustom", schema: { format: "pve-qm-cicustom" }, check: "snippetVolume" },
  { hearth: "VmFromTemplate/CloudImageTemplate cpuType", path: "/nodes/{node}/qemu/{vmid}/config", method: "PUT", param: "cpu", schema: { format: "pve-vm-cpu-conf" }, check: "cpuType" },
  { hearth: "disk and cloud-init storage (scsi[n]/ide[n] file=<storage>:...)", path: "/nodes/{node}/storage/{storage}/download-url", method: "POST", param: "storage", schema: { format: "pve-storage-id" }, check: "storage" },
  { hearth: "Network bridge.name, vlan.bridge", path: "/nodes/{node}/network", method: "POST", param: "iface", schema: { format: "pve-iface", minLength: 2, maxLength: 20 }, check: "iface" },
  { hearth: "Network bridge.ports", path: "/nodes/{node}/network", method: "POST", param: "bridge_ports", schema: { format: "pve-iface-list" }, check: "iface" },
  { hearth: "Network vlan.interface", path: "/nodes/{node}/network", method: "POST", param: "vlan-raw-device", schema: { format: "pve-iface" }, check: "iface" },
  { hearth: "Network sdn.zone", path: "/cluster/sdn/zones", method: "POST", param: "zone", schema: { format: "pve-sdn-zone-id" }, check: "sdnId" },
  { hearth: "Network sdn.vnet", path: "/cluster/sdn/vnets", method: "POST", param: "vnet", schema: { format: "pve-sdn-vnet-id" }, check: "sdnId" },
  // The schema gives a zone's bridge no format; it names a host bridge (pve-bridge-id).
  { hearth: "Network sdn.bridge", path: "/cluster/sdn/zones", method: "POST", param: "bridge", schema: undefined, check: "bridge" },
  { hearth: "Network sdn.nodes", path: "/cluster/sdn/zones", method: "POST", param: "nodes", schema: { format: "pve-node-list" }, check: "node" },
  { hearth: "FirewallGroup groupName", path: "/cluster/firewall/groups", method: "POST", param: "group", schema: { pattern: firewallGroupPattern, minLength: 2, maxLength: 18 }, check: "firewallGroup" },
  { hearth: "FirewallGroup rules[] { group } (as +name)", path: "/cluster/firewall/ipset", method: "POST", param: "name", schema: { pattern: firewallGroupPattern, minLength: 2, maxLength: 64 }, check: "ipset" },
  { hearth: "FirewallGroup comment", path: "/cluster/firewall/groups", method: "POST", param: "comment", schema: undefined, check: "comment" },
  { hearth: "FirewallGroup rules[].comment", path: "/cluster/firewall/groups/{group}", method: "POST", param: "comment", schema: undefined, check: "comment" },
  { hearth: "BackupPolicy jobId", path: "/cluster/backup", method: "POST", param: "id", schema: { format: "pve-configid" }, check: "configId" },
  { hearth: "BackupPolicy storage", path: "/cluster/backup", method: "POST", param: "storage", schema: { format: "pve-storage-id" }, check: "storage" },
  { hearth: "BackupPolicy node", path: "/cluster/backup", method: "POST", param: "node", schema: { format: "pve-node" }, check: "node" },
  // The schema gives a backup job's pool no format; it names a pool (pve-poolid).
  { hearth: "BackupPolicy pool", path: "/cluster/backup", method: "POST", param: "pool", schema: undefined, check: "pool" },
  { hearth: "Storage storageId", path: "/storage", method: "POST", param: "storage", schema: { format: "pve-storage-id" }, check: "storage" },
  { hearth: "Storage nodes", path: "/storage", method: "POST", param: "nodes", schema: { format: "pve-node-list" }, check: "node" },
  // Rule ids: `hearth-<name>-nodes|-together|-apart` from ruleIdPrefix.
  { hearth: "HighAvailability ruleIdPrefix", path: "/cluster/ha/rules", method: "POST", param: "rule", schema: { format: "pve-configid" }, check: "configId" },
  // pve-ha-node-list (pve-ha-manager src/PVE/HA/Tools.pm pve_verify_ha_node): a node name with an optional ':<priority>'.
  { hearth: "HighAvailability preferredNodes[].node", path: "/cluster/ha/rules", method: "POST", param: "nodes", schema: { format: "pve-ha-node-list" }, check: "node" },
  { hearth: "Replication targetNode", path: "/cluster/replication", method: "POST", param: "target", schema: { format: "pve-node" }, check: "node" },
  { hearth: "Replication storages[]", path: "/storage", method: "POST", param: "storage", schema: { format: "pve-storage-id" }, check: "storage" },
];

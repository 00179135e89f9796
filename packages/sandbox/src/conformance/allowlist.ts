import type { ConformanceApi, ViolationKind } from "./checker.js";

/**
 * A known gap in an official document: the real API does something the document does not
 * say (or says something the real API no longer does). One entry per gap, each with the
 * source that shows the real behaviour. An entry never hides an emulator bug: when the
 * emulator is wrong, the emulator is fixed.
 */
export interface AllowlistEntry {
  api: ConformanceApi;
  kind: ViolationKind;
  /** Only this method. @default any */
  method?: string;
  /** Only this path template of the document. @default any */
  template?: string;
  /** Only this field (exact) or fields matching this pattern. @default any */
  field?: string | RegExp;
  /** Only this response status. @default any */
  status?: number;
  /** Why the document is wrong or incomplete here, with the source of the real behaviour. */
  reason: string;
}

export const ALLOWLIST: readonly AllowlistEntry[] = [
  // ---- Hetzner Cloud: hcloud-openapi.json is of 2026-02-20; hcloud-go v2 (the provider's client) is newer ----
  {
    api: "hcloud",
    kind: "request-body",
    method: "POST",
    template: "/primary_ips",
    field: "assignee_type",
    reason:
      "`assignee_type` is optional when creating a primary IP since 2026-04-28 (hetznercloud/hcloud-go #840, v2.39.0: hcloud/schema/primary_ip.go `assignee_type,omitempty`); hcloud-openapi.json still lists it as required",
  },
  {
    api: "hcloud",
    kind: "response-body",
    method: "POST",
    template: "/primary_ips",
    field: "action",
    status: 201,
    reason:
      "creating a primary IP without an assignee starts no action and answers `\"action\": null` (hetznercloud/hcloud-go hcloud/schema/primary_ip.go `PrimaryIPCreateResponse.Action *Action`); hcloud-openapi.json types it as a non-null object",
  },
  {
    api: "hcloud",
    kind: "undocumented-request-field",
    method: "GET",
    template: "/actions",
    field: /^\?(sort|page|per_page)$/,
    reason:
      "hcloud-go's action waiter lists actions with `sort=status&sort=id` and pagination (hetznercloud/hcloud-go hcloud/action_waiter.go, hcloud/action.go `ActionListOpts.Values`: \"any other fields set in the opts are ignored\"); hcloud-openapi.json documents only `id`",
  },
  {
    api: "hcloud",
    kind: "request-body",
    method: "POST",
    template: "/servers",
    field: /^(server_type|image)$/,
    reason:
      "\"ID or name\": hcloud-go sends an integer ID or a string name (hetznercloud/hcloud-go hcloud/schema/server.go `ServerCreateRequest.ServerType/Image IDOrName`, hcloud/schema/id_or_name.go); hcloud-openapi.json types both as string",
  },
  {
    api: "hcloud",
    kind: "request-body",
    method: "POST",
    template: "/servers",
    field: /^ssh_keys\[\d+\]$/,
    reason:
      "\"SSH key IDs (integer) or names (string)\" says the document's own description, and hcloud-go sends IDs (hetznercloud/hcloud-go hcloud/schema/server.go `SSHKeys []int64`); its schema types the items as string only",
  },
  {
    api: "hcloud",
    kind: "response-body",
    field: /^(servers?|primary_ips?)(\[\d+\])?\.datacenter$/,
    reason:
      "`datacenter` is gone from servers and primary IPs since 2026-07-01 (hetznercloud/hcloud-go #890, 2026-07-16: \"remove datacenter property from server and primary_ip\"); hcloud-openapi.json (2026-02) still requires it",
  },
  {
    api: "hcloud",
    kind: "response-body",
    field: /^primary_ips?(\[\d+\])?\.assignee_type$/,
    reason:
      "an unassigned primary IP reads `assignee_type: \"unassigned\"` since 2026-08-01 (hetznercloud/hcloud-go CHANGELOG.md v2.39.0, \"Primary IPs assignee_type behavior change\"); hcloud-openapi.json's enum has only `server`",
  },
  {
    api: "hcloud",
    kind: "undocumented-response-field",
    field: /(^|\.)server_types?(\[\d+\])?\.locations\[\d+\]\.(available|recommended)$/,
    reason:
      "available and recommended server types moved to `server_type.locations[].available/recommended` (hetznercloud/hcloud-go #835, v2.38.0, hcloud/schema/server_type.go `ServerTypeLocation`); newer than hcloud-openapi.json",
  },
  {
    api: "hcloud",
    kind: "undocumented-response-field",
    field: /(^|\.)server_types?(\[\d+\])?\.included_traffic$/,
    reason:
      "the API still sends the deprecated top-level `server_type.included_traffic`, 0 since 2024-08-05 (hetznercloud/hcloud-go hcloud/schema/server_type.go, `IncludedTraffic` \"will always report 0 after 2024-08-05\"); hcloud-openapi.json dropped it",
  },
  // ---- Proxmox VE ----
  {
    api: "proxmox",
    kind: "response-body",
    template: "/nodes/{node}/network",
    field: /^data\[\d+\]\.netmask$/,
    reason:
      "pve-api-9.1.3.json types `netmask` as format ipv4mask, but PVE reads it back as the prefix length of the CIDR (proxmox/pve-common src/PVE/Network/Interfaces.pm: `(undef, $d->{netmask}) = _cidr_split($cidr)`), e.g. \"24\"",
  },
  {
    api: "proxmox",
    kind: "response-body",
    template: "/nodes/{node}/network/{iface}",
    field: "data.netmask",
    reason:
      "pve-api-9.1.3.json types `netmask` as format ipv4mask, but PVE reads it back as the prefix length of the CIDR (proxmox/pve-common src/PVE/Network/Interfaces.pm: `(undef, $d->{netmask}) = _cidr_split($cidr)`), e.g. \"24\"",
  },
  {
    api: "proxmox",
    kind: "unchecked-format",
    field: "schedule",
    reason:
      "pve-calendar-event (backup job `schedule`) is a subset of systemd calendar events parsed by proxmox/pve-common src/PVE/CalendarEvent.pm; the checker does not port that parser (the value's maxLength is still checked)",
  },
  {
    api: "proxmox",
    kind: "undocumented-response-field",
    method: "GET",
    template: "/pools/{poolid}",
    field: "data.poolid",
    reason:
      "read_pool returns the index's first entry (proxmox/pve-manager PVE/API2/Pool.pm `read_pool`: `__PACKAGE__->index($param)->[0]`), which carries `poolid`; its `returns` schema omits it",
  },
];

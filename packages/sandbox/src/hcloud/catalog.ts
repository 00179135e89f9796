import type { ApiRequest } from "../router.js";
import { imagesOf } from "./snapshots.js";
import { type HcloudKit, type Obj } from "./context.js";
import { fail, invalidInput, notFound } from "./errors.js";

/**
 * Locations. Fields per the `location` schema of ../shared/specs/hcloud-openapi.json; the
 * network zones per its `subnet.network_zone` description ("The Location contains the
 * `network_zone` it belongs to").
 */
export const LOCATIONS = [
  { id: 1, name: "fsn1", description: "Falkenstein DC Park 1", country: "DE", city: "Falkenstein", latitude: 50.47612, longitude: 12.370071, network_zone: "eu-central" },
  { id: 2, name: "nbg1", description: "Nuremberg DC Park 1", country: "DE", city: "Nuremberg", latitude: 49.452102, longitude: 11.076665, network_zone: "eu-central" },
  { id: 3, name: "hel1", description: "Helsinki DC Park 1", country: "FI", city: "Helsinki", latitude: 60.169855, longitude: 24.938379, network_zone: "eu-central" },
  { id: 4, name: "ash", description: "Ashburn, VA", country: "US", city: "Ashburn, VA", latitude: 39.045821, longitude: -77.487073, network_zone: "us-east" },
] as const;
export type Location = (typeof LOCATIONS)[number];

/** Network zones a subnet may name (the zones of the emulated locations). */
export const NETWORK_ZONES: readonly string[] = [...new Set(LOCATIONS.map((l) => l.network_zone))];

export interface Deprecation {
  announced: string;
  unavailable_after: string;
}

export interface ServerTypeSpec {
  id: number;
  name: string;
  cores: number;
  memory: number;
  disk: number;
  cpu_type: "shared" | "dedicated";
  architecture: "x86" | "arm";
  category: string;
  monthlyNet: string;
  /** Set for types no longer sold: the type is deprecated in every location. */
  deprecation?: Deprecation;
}

/**
 * The Gen 2 CX and Gen 1 CPX types "are deprecated and will be removed from the API at the end
 * of the year" (hetznercloud/terraform-provider-hcloud commit c9cdbb9c, 2025-10-28, which moved
 * its docs from cx22 to cx23 and its e2e default off cpx11). So as of 2026 they are unavailable.
 */
const GEN2_DEPRECATION: Deprecation = { announced: "2025-10-28T00:00:00Z", unavailable_after: "2026-01-01T00:00:00Z" };

/**
 * Server types. Sold today: cx23 (terraform-provider-hcloud v1.68.0 docs/resources/server.md),
 * cpx22 (id 109, 2 cores, 4 GB, 80 GB, `regular_purpose`: v1.68.0
 * internal/servertype/data_source_test.go; the provider's e2e types are cpx12/cpx22 in
 * internal/teste2e/testing.go), and the cx33/cx43/cpx32/cax11/cax21 siblings. Ids other than
 * 109, and all prices, are the sandbox's own (prices are not emulated faithfully).
 */
export const SERVER_TYPES: readonly ServerTypeSpec[] = [
  { id: 114, name: "cx23", cores: 2, memory: 4, disk: 40, cpu_type: "shared", architecture: "x86", category: "cost_optimized", monthlyNet: "2.9900" },
  { id: 115, name: "cx33", cores: 4, memory: 8, disk: 80, cpu_type: "shared", architecture: "x86", category: "cost_optimized", monthlyNet: "4.9900" },
  { id: 116, name: "cx43", cores: 8, memory: 16, disk: 160, cpu_type: "shared", architecture: "x86", category: "cost_optimized", monthlyNet: "8.9900" },
  { id: 109, name: "cpx22", cores: 2, memory: 4, disk: 80, cpu_type: "shared", architecture: "x86", category: "regular_purpose", monthlyNet: "5.9900" },
  { id: 110, name: "cpx32", cores: 4, memory: 8, disk: 160, cpu_type: "shared", architecture: "x86", category: "regular_purpose", monthlyNet: "10.4900" },
  { id: 45, name: "cax11", cores: 2, memory: 4, disk: 40, cpu_type: "shared", architecture: "arm", category: "cost_optimized", monthlyNet: "3.7900" },
  { id: 93, name: "cax21", cores: 4, memory: 8, disk: 80, cpu_type: "shared", architecture: "arm", category: "cost_optimized", monthlyNet: "6.4900" },
  { id: 104, name: "cx22", cores: 2, memory: 4, disk: 40, cpu_type: "shared", architecture: "x86", category: "cost_optimized", monthlyNet: "3.7900", deprecation: GEN2_DEPRECATION },
  { id: 105, name: "cx32", cores: 4, memory: 8, disk: 80, cpu_type: "shared", architecture: "x86", category: "cost_optimized", monthlyNet: "6.8000", deprecation: GEN2_DEPRECATION },
  { id: 106, name: "cx42", cores: 8, memory: 16, disk: 160, cpu_type: "shared", architecture: "x86", category: "cost_optimized", monthlyNet: "16.4000", deprecation: GEN2_DEPRECATION },
  { id: 22, name: "cpx11", cores: 2, memory: 2, disk: 40, cpu_type: "shared", architecture: "x86", category: "regular_purpose", monthlyNet: "4.3500", deprecation: GEN2_DEPRECATION },
  { id: 23, name: "cpx21", cores: 3, memory: 4, disk: 80, cpu_type: "shared", architecture: "x86", category: "regular_purpose", monthlyNet: "7.5500", deprecation: GEN2_DEPRECATION },
];

/**
 * Can this type be ordered in this location at `now`? hcloud-go v2.47.0
 * `hcloud/exp/deprecationutil/server_type.go` `ServerTypeMessage`: a type (or a type in a
 * location) is unavailable once `unavailable_after` has passed.
 */
export function isOrderable(type: ServerTypeSpec, now: Date = new Date()): boolean {
  return !type.deprecation || now < new Date(type.deprecation.unavailable_after);
}

/**
 * Images. ubuntu-24.04 x86 is 161547269 (terraform-provider-hcloud internal/teste2e/testing.go
 * `TestImageID`); the other ids are the sandbox's own.
 */
export const IMAGES = [
  { id: 114690387, name: "debian-12", description: "Debian 12", os_flavor: "debian", os_version: "12", architecture: "x86" },
  { id: 114690389, name: "debian-12", description: "Debian 12", os_flavor: "debian", os_version: "12", architecture: "arm" },
  { id: 161547269, name: "ubuntu-24.04", description: "Ubuntu 24.04", os_flavor: "ubuntu", os_version: "24.04", architecture: "x86" },
  { id: 161547270, name: "ubuntu-24.04", description: "Ubuntu 24.04", os_flavor: "ubuntu", os_version: "24.04", architecture: "arm" },
  { id: 67794396, name: "ubuntu-22.04", description: "Ubuntu 22.04", os_flavor: "ubuntu", os_version: "22.04", architecture: "x86" },
] as const;
export type ImageSpec = (typeof IMAGES)[number];

export const locationView = (l: Location): Obj => ({ ...l });

/**
 * A server type as hcloud-go v2.47.0 `hcloud/schema/server_type.go` reads it: `included_traffic`
 * is always 0 (deprecated since 2024-08-05), `deprecated`/`deprecation` at the top are phased out
 * in favour of `locations[].deprecation` with `available` and `recommended` (CHANGELOG v2.38.0).
 */
export const serverTypeView = (t: ServerTypeSpec): Obj => ({
  id: t.id,
  name: t.name,
  description: t.name.toUpperCase(),
  cores: t.cores,
  memory: t.memory,
  disk: t.disk,
  deprecated: t.deprecation !== undefined,
  deprecation: t.deprecation ?? null,
  storage_type: "local",
  cpu_type: t.cpu_type,
  architecture: t.architecture,
  category: t.category,
  included_traffic: 0,
  prices: LOCATIONS.map((l) => ({
    location: l.name,
    price_hourly: { net: (Number(t.monthlyNet) / 730).toFixed(4), gross: ((Number(t.monthlyNet) / 730) * 1.19).toFixed(4) },
    price_monthly: { net: t.monthlyNet, gross: (Number(t.monthlyNet) * 1.19).toFixed(4) },
    included_traffic: 21990232555520,
    price_per_tb_traffic: { net: "1.0000", gross: "1.1900" },
  })),
  locations: LOCATIONS.map((l) => ({ id: l.id, name: l.name, deprecation: t.deprecation ?? null, available: isOrderable(t), recommended: isOrderable(t) && t.name === "cx23" })),
});

export const imageView = (i: ImageSpec): Obj => ({
  id: i.id,
  type: "system",
  status: "available",
  name: i.name,
  description: i.description,
  image_size: null,
  disk_size: 5,
  created: "2023-06-13T06:00:02Z",
  created_from: null,
  bound_to: null,
  os_flavor: i.os_flavor,
  os_version: i.os_version,
  rapid_deploy: true,
  protection: { delete: false },
  deprecated: null,
  deleted: null,
  labels: {},
  architecture: i.architecture,
});

/** A reference by id (number or numeric string) or by name, as hcloud-go's `IDOrName` sends it. */
export const byIdOrName = <T extends { id: number; name: string }>(items: readonly T[], ref: unknown, field: string): T =>
  items.find((i) => String(i.id) === String(ref) || i.name === ref) ?? invalidInput(field, `${field} ${String(ref)} not found`);

export function locationFrom(ref: unknown, field = "location"): Location {
  return LOCATIONS.find((l) => l.name === ref || String(l.id) === String(ref)) ?? invalidInput(field, `location ${String(ref)} not found`);
}

/**
 * `datacenter` was removed from servers and primary IPs on 2026-07-01 (hcloud-go CHANGELOG
 * v2.45.0; terraform-provider-hcloud v1.67.0): hcloud-go's create requests no longer have it
 * (`schema/server.go`, `schema/primary_ip.go`). The sandbox refuses it so a client still sending it shows.
 */
export function refuseDatacenter(body: Obj): void {
  if (body.datacenter !== undefined) invalidInput("datacenter", "datacenter was removed on 2026-07-01; use location");
}

export function registerCatalog(kit: HcloudKit): void {
  const { r, list, ok } = kit;
  r.get("/locations", (q) => list(q, "locations", LOCATIONS.map(locationView)));
  r.get("/locations/:id", (q) => ok({ location: locationView(LOCATIONS.find((l) => String(l.id) === q.params.id) ?? notFound("location", q.params.id)) }));
  // hcloud-go CHANGELOG v2.44.0: the datacenter endpoints are removed after 2026-10-01 and answer 410 Gone.
  const gone = (): never => fail(410, "deprecated_api_endpoint", "the datacenters endpoints were removed on 2026-10-01; use locations");
  r.get("/datacenters", gone);
  r.get("/datacenters/:id", gone);
  r.get("/server_types", (q) => list(q, "server_types", SERVER_TYPES.map(serverTypeView)));
  r.get("/server_types/:id", (q) => ok({ server_type: serverTypeView(SERVER_TYPES.find((t) => String(t.id) === q.params.id) ?? notFound("server type", q.params.id)) }));
  r.get("/images", (q: ApiRequest) => {
    const arch = q.query.getAll("architecture");
    const types = q.query.getAll("type");
    // Snapshots and backups (snapshots.ts) are listed with the system images.
    return list(q, "images", [...IMAGES.map(imageView), ...Object.values(imagesOf(kit)).map((i) => ({ ...i }))], (i) => (arch.length === 0 || arch.includes(String(i.architecture))) && (types.length === 0 || types.includes(String(i.type))));
  });
  r.get("/images/:id", (q) => {
    const own = imagesOf(kit)[q.params.id!];
    return ok({ image: own ? { ...own } : imageView(IMAGES.find((i) => String(i.id) === q.params.id) ?? notFound("image", q.params.id)) });
  });
}

import type { DoKit, Obj } from "./context.js";
import { notFound, unprocessable, uuidFrom } from "./errors.js";

/** Regions, sizes and images the sandbox serves (a subset; slugs as DigitalOcean names them). */
export const REGION_SLUGS = ["fra1", "ams3", "nyc3", "sfo3", "lon1"] as const;
const REGION_NAMES: Record<string, string> = { fra1: "Frankfurt 1", ams3: "Amsterdam 3", nyc3: "New York 3", sfo3: "San Francisco 3", lon1: "London 1" };
export const SIZES = [
  { slug: "s-1vcpu-512mb-10gb", memory: 512, vcpus: 1, disk: 10, transfer: 0.5, price_monthly: 4 },
  { slug: "s-1vcpu-1gb", memory: 1024, vcpus: 1, disk: 25, transfer: 1, price_monthly: 6 },
  { slug: "s-1vcpu-2gb", memory: 2048, vcpus: 1, disk: 50, transfer: 2, price_monthly: 12 },
  { slug: "s-2vcpu-2gb", memory: 2048, vcpus: 2, disk: 60, transfer: 3, price_monthly: 18 },
  { slug: "s-2vcpu-4gb", memory: 4096, vcpus: 2, disk: 80, transfer: 4, price_monthly: 24 },
  { slug: "s-4vcpu-8gb", memory: 8192, vcpus: 4, disk: 160, transfer: 5, price_monthly: 48 },
] as const;
export const IMAGES = [
  { id: 159651797, slug: "debian-12-x64", name: "12 x64", distribution: "Debian", min_disk_size: 15 },
  { id: 160272127, slug: "ubuntu-24-04-x64", name: "24.04 (LTS) x64", distribution: "Ubuntu", min_disk_size: 15 },
  { id: 129211873, slug: "ubuntu-22-04-x64", name: "22.04 (LTS) x64", distribution: "Ubuntu", min_disk_size: 7 },
] as const;

export const sizeView = (s: (typeof SIZES)[number]): Obj => ({
  slug: s.slug,
  memory: s.memory,
  vcpus: s.vcpus,
  disk: s.disk,
  transfer: s.transfer,
  price_monthly: s.price_monthly,
  price_hourly: Math.round((s.price_monthly / 672) * 100000) / 100000,
  regions: [...REGION_SLUGS],
  available: true,
  description: "Basic",
});
export const regionView = (slug: string): Obj => ({
  slug,
  name: REGION_NAMES[slug] ?? slug,
  sizes: SIZES.map((s) => s.slug),
  available: true,
  features: ["backups", "ipv6", "metadata", "install_agent", "storage", "image_transfer"],
});
export const imageView = (i: (typeof IMAGES)[number]): Obj => ({
  id: i.id,
  name: i.name,
  distribution: i.distribution,
  slug: i.slug,
  public: true,
  regions: [...REGION_SLUGS],
  created_at: "2024-06-01T00:00:00Z",
  min_disk_size: i.min_disk_size,
  type: "base",
  size_gigabytes: 2.36,
  description: `${i.distribution} ${i.name}`,
  tags: [],
  status: "available",
  error_message: "",
});

export const regionOf = (v: unknown): string => {
  if (typeof v !== "string" || !(REGION_SLUGS as readonly string[]).includes(v)) return unprocessable(`Region is not available: ${String(v)}`);
  return v;
};

export function registerCatalog(kit: DoKit): void {
  const { r, ok, list } = kit;
  r.get("/account", () =>
    ok({ account: { droplet_limit: 25, floating_ip_limit: 3, reserved_ip_limit: 3, volume_limit: 10, email: "sandbox@hearth.invalid", uuid: uuidFrom(0), email_verified: true, status: "active", status_message: "" } }),
  );
  r.get("/regions", (q) => list(q, "regions", REGION_SLUGS.map(regionView)));
  r.get("/sizes", (q) => list(q, "sizes", SIZES.map(sizeView)));
  r.get("/images", (q) => {
    const type = q.query.get("type");
    return list(q, "images", IMAGES.map(imageView).filter(() => !type || type === "distribution"));
  });
  r.get("/images/:id", (q) => ok({ image: imageView(IMAGES.find((i) => String(i.id) === q.params.id || i.slug === q.params.id) ?? notFound()) }));
}

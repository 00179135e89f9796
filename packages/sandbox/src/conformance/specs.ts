import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { OpenApiDocument } from "./openapi.js";
import type { PveApiNode } from "./pve.js";

/** File names in the specs directory (`../shared/specs/README.md` says where each comes from). */
export const SPEC_FILES = {
  proxmox: "pve-api-9.1.3.json",
  hcloud: "hcloud-openapi.json",
  digitalocean: "digitalocean-openapi.json",
} as const;

export interface Specs {
  dir: string;
  proxmox: PveApiNode[];
  hcloud: OpenApiDocument;
  digitalocean: OpenApiDocument;
}

/**
 * Where the official API descriptions are: `HEARTH_SPECS_DIR`, else the first `shared/specs`
 * beside an ancestor of the working directory (the repository's checkout sits next to
 * `shared/`, as `../shared/specs`).
 */
export function findSpecsDir(start = process.cwd()): string | undefined {
  const fromEnv = process.env.HEARTH_SPECS_DIR;
  if (fromEnv) return existsSync(join(fromEnv, SPEC_FILES.proxmox)) ? resolve(fromEnv) : undefined;
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    for (const candidate of [join(dir, "shared/specs"), join(dir, "specs")]) if (existsSync(join(candidate, SPEC_FILES.proxmox))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

const cache = new Map<string, Specs>();

/** Parse the three documents once per process (they are 1-2.5 MB each). */
export function loadSpecs(dir: string): Specs {
  const hit = cache.get(dir);
  if (hit) return hit;
  const read = <T>(file: string): T => JSON.parse(readFileSync(join(dir, file), "utf8")) as T;
  const specs: Specs = { dir, proxmox: read(SPEC_FILES.proxmox), hcloud: read(SPEC_FILES.hcloud), digitalocean: read(SPEC_FILES.digitalocean) };
  cache.set(dir, specs);
  return specs;
}

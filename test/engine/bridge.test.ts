// The bridged provider plugins (scripts/bridge/<name>, built by scripts/toolchain.sh when the
// published provider module is refused) must be pinned in one place: the versions that
// scripts/versions.json reports (and the toolchain prints) must be the ones the wrapper module
// builds, and the ldflags must stamp the npm version. See docs/engine.md, "Bridged providers".
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, it, expect } from "vitest";

interface Bridged {
  dir: string;
  upstream: { module: string; version: string };
  bridge: { module: string; version: string };
  tfgen: string;
  package: string;
  metadata: string;
  schemaEmbed: string;
  ldflags: string;
  mustMatch: string[];
}
interface Provider {
  npm: string;
  version: string;
  bridged?: Bridged;
}

function findRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, "scripts/versions.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`scripts/versions.json not found above ${process.cwd()}`);
  }
}
const root = findRoot();
const providers = (JSON.parse(readFileSync(resolve(root, "scripts/versions.json"), "utf8")) as {
  providers: Record<string, Provider>;
}).providers;
const bridged = Object.entries(providers).flatMap(([name, p]): Array<[string, Provider, Bridged]> =>
  p.bridged ? [[name, p, p.bridged]] : [],
);

// The version a go.mod requires for a module ("" when it does not require it).
function required(goMod: string, module: string): string {
  const esc = module.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const m = new RegExp(`^\\s*(?:require\\s+)?${esc}\\s+(v\\S+)`, "m").exec(goMod);
  return m?.[1] ?? "";
}

describe("required() reads a go.mod", () => {
  const goMod = "module x\n\nrequire (\n\tgithub.com/a/b v1.2.3\n\tgithub.com/a/b/c v0.1.0 // indirect\n)\nrequire github.com/d/e v2.0.0\n";
  it.each([
    ["github.com/a/b", "v1.2.3"],
    ["github.com/a/b/c", "v0.1.0"],
    ["github.com/d/e", "v2.0.0"],
    ["github.com/a", ""],
  ])("%s -> %s", (mod, v) => {
    expect(required(goMod, mod)).toBe(v);
  });
});

describe("bridged provider plugins are pinned consistently", () => {
  it("hcloud and proxmoxve have a bridged fallback, digitalocean has none", () => {
    expect(bridged.map(([n]) => n).sort()).toEqual(["hcloud", "proxmoxve"]);
    expect(providers.digitalocean?.bridged).toBeUndefined();
  });

  it.each(bridged)("%s: the wrapper module builds what versions.json says", (name, p, b) => {
    const dir = resolve(root, b.dir);
    const goMod = readFileSync(resolve(dir, "go.mod"), "utf8");
    expect(b.dir).toBe(`scripts/bridge/${name}`);
    expect(required(goMod, b.upstream.module), `${b.dir}/go.mod requires ${b.upstream.module}`).toBe(b.upstream.version);
    expect(required(goMod, b.bridge.module), `${b.dir}/go.mod requires ${b.bridge.module}`).toBe(b.bridge.version);
    // The bridge only works with Pulumi's fork of the plugin SDK.
    expect(goMod).toMatch(/^replace github\.com\/hashicorp\/terraform-plugin-sdk\/v2 => github\.com\/pulumi\/terraform-plugin-sdk\/v2 v\S+$/m);
    expect(existsSync(resolve(dir, "go.sum")), `${b.dir}/go.sum is committed`).toBe(true);
    // Stamped with the npm version, as the SDK asks the engine for exactly that plugin version.
    expect(b.ldflags).toBe(`-X hearth.local/bridge/${name}.Version=${p.version}`);
    expect(goMod).toMatch(new RegExp(`^module hearth\\.local/bridge/${name}$`, "m"));
    for (const rel of [b.tfgen, b.package]) expect(existsSync(resolve(dir, rel, "main.go")), `${rel}/main.go`).toBe(true);
    for (const rel of [b.metadata, b.schemaEmbed]) expect(existsSync(resolve(dir, rel)), `${rel} placeholder`).toBe(true);
    expect(b.mustMatch.length).toBeGreaterThan(0);
  });
});

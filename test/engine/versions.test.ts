// The engine toolchain (scripts/versions.json, built by scripts/toolchain.sh) must match the npm
// packages that programs load: a CLI or provider plugin at another version than the SDK is a
// different engine from the one users run. See docs/engine.md.
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { describe, it, expect } from "vitest";

interface Pin {
  npm: string;
  version: string;
}
interface Versions {
  pulumi: Pin;
  providers: Record<string, Pin>;
}
interface Lock {
  packages?: Record<string, { version?: string } | undefined>;
}

// The repository root: the nearest folder above the working directory holding scripts/versions.json.
function findRoot(): string {
  for (let dir = process.cwd(); ; dir = dirname(dir)) {
    if (existsSync(resolve(dir, "scripts/versions.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`scripts/versions.json not found above ${process.cwd()}`);
  }
}
const root = findRoot();
const read = (rel: string): string => readFileSync(resolve(root, rel), "utf8");
const versions = JSON.parse(read("scripts/versions.json")) as Versions;
const lock = JSON.parse(read("package-lock.json")) as Lock;

function lockedVersion(npmName: string): string {
  const entry = lock.packages?.[`node_modules/${npmName}`];
  if (!entry?.version) {
    throw new Error(
      `${npmName} is not in package-lock.json (packages["node_modules/${npmName}"]): add it to the workspace and run npm install, ` +
        `or remove it from scripts/versions.json`,
    );
  }
  return entry.version;
}

const pins: Array<[string, Pin]> = [
  ["pulumi CLI", versions.pulumi],
  ...Object.entries(versions.providers).map(([name, pin]): [string, Pin] => [`provider plugin ${name}`, pin]),
];

describe("engine toolchain versions (scripts/versions.json) match package-lock.json", () => {
  it("pins the CLI and the three provider plugins", () => {
    expect(versions.pulumi.npm).toBe("@pulumi/pulumi");
    expect(Object.fromEntries(Object.entries(versions.providers).map(([k, p]) => [k, p.npm]))).toEqual({
      hcloud: "@pulumi/hcloud",
      proxmoxve: "@muhlba91/pulumi-proxmoxve",
      digitalocean: "@pulumi/digitalocean",
    });
  });

  it.each(pins)("%s is built at the locked version of its npm package", (_label, pin) => {
    expect(pin.version, `${pin.npm}: scripts/versions.json says ${pin.version}`).toBe(lockedVersion(pin.npm));
  });
});

describe("the YAML language host (scripts/versions.json languageYaml)", () => {
  const yaml = (versions as unknown as { languageYaml: { version: string; module: string; moduleVersion: string; package: string; ldflags: string } }).languageYaml;

  it("is built at one version: the module tag, the version and the version ldflag agree", () => {
    expect(yaml.moduleVersion).toBe(`v${yaml.version}`);
    expect(yaml.package.startsWith(`${yaml.module}/`)).toBe(true);
    expect(yaml.ldflags).toBe(`-X ${yaml.module}/pkg/version.Version=v${yaml.version}`);
  });
});

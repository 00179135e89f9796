import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Unit tests run against the sources; the engine tests use the built dist through the stacks.
    alias: Object.fromEntries(
      ["core", "proxmox", "hcloud", "digitalocean", "gateway", "catalog", "policy", "sandbox"].map((p) => [`@hearth/${p}`, pkg(p)]),
    ),
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
    pool: "forks",
  },
});

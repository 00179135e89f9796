import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("./", import.meta.url));

// Engine tests drive the real Pulumi CLI built by `npm run toolchain`. On a machine without it
// they are left out with a notice; CI sets HEARTH_REQUIRE_ENGINE=1, so there a missing
// toolchain is a failure, never a silent gap.
const toolchain = process.env.HEARTH_TOOLCHAIN_DIR ?? join(homedir(), ".cache/hearth-toolchain");
const engine = existsSync(join(toolchain, "bin/pulumi")) && existsSync(join(toolchain, "bin/pulumi-language-nodejs"));
if (!engine) {
  if (process.env.HEARTH_REQUIRE_ENGINE === "1") {
    throw new Error(`HEARTH_REQUIRE_ENGINE=1 but no Pulumi toolchain in ${toolchain}: run \`npm run toolchain\` first (docs/engine.md)`);
  }
  console.warn(`[hearth] engine tests (test/**/*.engine.test.ts) not run: no toolchain in ${toolchain}; run \`npm run toolchain\` (docs/engine.md)`);
}

export default defineConfig({
  resolve: {
    // Unit tests run against the sources; the engine tests use the built dist through the programs.
    alias: [
      { find: /^@hearth\/catalog\/client$/, replacement: `${root}packages/catalog/src/client.ts` },
      { find: /^@hearth\/([a-z]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    exclude: ["**/node_modules/**", ...(engine ? [] : ["test/**/*.engine.test.ts"])],
    testTimeout: 30_000,
    pool: "forks",
  },
});

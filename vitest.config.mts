import { existsSync, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL("./", import.meta.url));

// Engine tests (test/engine/*.engine.test.ts) and the end-to-end suite against the sandbox
// (test/e2e/*.e2e.ts) drive the real Pulumi CLI built by `npm run toolchain`. On a machine
// without it they are left out with a notice; CI sets HEARTH_REQUIRE_ENGINE=1, so there a
// missing toolchain is a failure, never a silent gap.
const toolchain = process.env.HEARTH_TOOLCHAIN_DIR ?? join(homedir(), ".cache/hearth-toolchain");
const engine = existsSync(join(toolchain, "bin/pulumi")) && existsSync(join(toolchain, "bin/pulumi-language-nodejs"));
if (!engine) {
  if (process.env.HEARTH_REQUIRE_ENGINE === "1") {
    throw new Error(`HEARTH_REQUIRE_ENGINE=1 but no Pulumi toolchain in ${toolchain}: run \`npm run toolchain\` first (docs/engine.md)`);
  }
  console.warn(`[hearth] engine and e2e tests not run: no toolchain in ${toolchain}; run \`npm run toolchain\` (docs/engine.md)`);
}

const engineTests = ["test/engine/**/*.engine.test.ts", "test/e2e/**/*.e2e.ts"];

// The team-state tests start Debian's PostgreSQL server themselves (installed by
// `bash scripts/postgres.sh`; CI runs it). Without it they are left out with a notice, like the
// engine tests without a toolchain; with HEARTH_REQUIRE_ENGINE=1 that is a failure.
const stateTests = "test/engine/state.engine.test.ts";
const postgres = existsSync("/usr/lib/postgresql") && readdirSync("/usr/lib/postgresql").some((v) => existsSync(join("/usr/lib/postgresql", v, "bin/initdb")));
if (engine && !postgres) {
  if (process.env.HEARTH_REQUIRE_ENGINE === "1") {
    throw new Error("HEARTH_REQUIRE_ENGINE=1 but no PostgreSQL server: run `bash scripts/postgres.sh` first (docs/state.md)");
  }
  console.warn("[hearth] team-state tests (PostgreSQL backend) not run: no PostgreSQL server; run `bash scripts/postgres.sh` (docs/state.md)");
}

export default defineConfig({
  resolve: {
    // Unit tests run against the sources; programs run by the engine use the built dist.
    alias: [
      { find: /^@hearth\/catalog\/client$/, replacement: `${root}packages/catalog/src/client.ts` },
      { find: /^@hearth\/core\/(gateway|address|numbers)$/, replacement: `${root}packages/core/src/$1.ts` },
      { find: /^@hearth\/([a-z]+)\/internal$/, replacement: `${root}packages/$1/src/internal.ts` },
      { find: /^@hearth\/([a-z]+)$/, replacement: `${root}packages/$1/src/index.ts` },
    ],
  },
  test: {
    pool: "forks",
    // Every test that starts a sandbox fails on a conformance violation (docs/sandbox.md, Conformance).
    setupFiles: ["test/support/conformance.setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: ["**/node_modules/**", ...engineTests],
          testTimeout: 30_000,
        },
      },
      ...(engine
        ? [
            {
              extends: true as const,
              test: {
                name: "engine",
                include: engineTests,
                exclude: ["**/node_modules/**", ...(postgres ? [] : [stateTests])],
                testTimeout: 600_000,
                hookTimeout: 180_000,
              },
            },
          ]
        : []),
    ],
  },
});

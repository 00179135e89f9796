import { chmodSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

const pkg = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

/**
 * dist/ doubles as the policy pack directory for `pulumi preview --policy-pack <dir>`: the engine
 * needs PulumiPolicy.yaml there, runs the package.json `main` (pack.cjs) with dist/ as the working
 * directory, and the PolicyPack reads its version from that package.json. dist/policy-pack.cjs is
 * the executable launcher for `--policy-pack <dist>/policy-pack.cjs` (see bin/policy-pack.cjs).
 */
function writePackDirectory(): void {
  copyFileSync(new URL("./PulumiPolicy.yaml", import.meta.url), new URL("./dist/PulumiPolicy.yaml", import.meta.url));
  const packJson = { name: "hearth-policy-pack", version: pkg.version, private: true, type: "module", main: "pack.cjs" };
  writeFileSync(new URL("./dist/package.json", import.meta.url), `${JSON.stringify(packJson, null, 2)}\n`);
  const launcher = new URL("./dist/policy-pack.cjs", import.meta.url);
  copyFileSync(new URL("./bin/policy-pack.cjs", import.meta.url), launcher);
  chmodSync(launcher, 0o755);
}

export default defineConfig({
  // index: the pure library; pack: the policy pack entry; cli: hearth-policy-config.
  ...packageBuild,
  entry: { index: "src/index.ts", pack: "src/pack.ts", cli: "src/cli.ts" },
  dts: { entry: { index: "src/index.ts" } },
  onSuccess: async () => writePackDirectory(),
});

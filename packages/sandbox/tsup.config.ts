import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base";

export default defineConfig([
  packageBuild,
  {
    // The `hearth-sandbox` bin: one ESM file with a shebang (package.json bin -> ./dist/cli.js).
    entry: ["src/cli.ts"],
    ...packageBuild,
    format: ["esm"],
    dts: false,
    clean: false,
    banner: { js: "#!/usr/bin/env node" },
  },
]);

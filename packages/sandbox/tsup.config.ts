import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

// Two builds run in parallel, so neither cleans (the build script empties dist/ first):
// otherwise one can delete the other's output.
export default defineConfig([
  { ...packageBuild, clean: false },
  {
    ...packageBuild,
    // The `hearth-sandbox` bin: one ESM file with a shebang (package.json bin -> ./dist/cli.js).
    entry: ["src/cli.ts"],
    format: ["esm"],
    dts: false,
    clean: false,
    banner: { js: "#!/usr/bin/env node" },
  },
]);

import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig({
  ...packageBuild,
  // `internal` is "@hearth/digitalocean/internal": helpers for other Hearth packages, not covered by
  // semver (docs/api.md).
  entry: ["src/index.ts", "src/internal.ts"],
});

import { defineConfig } from "tsup";
import { packageBuild } from "../../tsup.base.js";

export default defineConfig({
  ...packageBuild,
  // `gateway`, `address` and `numbers` are entries of their own so "@hearth/core/gateway",
  // "@hearth/core/address" and "@hearth/core/numbers" load without the Pulumi SDK.
  // `internal` is "@hearth/core/internal": helpers for other Hearth packages, not covered by
  // semver (docs/api.md).
  entry: ["src/index.ts", "src/gateway.ts", "src/address.ts", "src/numbers.ts", "src/internal.ts"],
});

// "@hearth/digitalocean/internal": helpers other Hearth packages (today @hearth/gateway) share.
// NOT part of the public API and NOT covered by semver: names here change in any release,
// without a changeset entry for users (docs/api.md). Import from "@hearth/digitalocean" instead.

export { checkRegion, resolveDropletSize } from "./catalog.js";
export { toDigitalOceanRules } from "./rules.js";
export { firewallTagPrefix } from "./labels.js";

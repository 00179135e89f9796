// "@hearth/hcloud/internal": helpers other Hearth packages (today @hearth/gateway) share.
// NOT part of the public API and NOT covered by semver: names here change in any release,
// without a changeset entry for users (docs/api.md). Import from "@hearth/hcloud" instead.

export { checkLocation, resolveServerType } from "./catalog.js";
export { toHcloudRules } from "./rules.js";

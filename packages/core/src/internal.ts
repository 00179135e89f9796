// "@hearth/core/internal": helpers the other Hearth packages share to build their components.
// NOT part of the public API and NOT covered by semver: names here change in any release,
// without a changeset entry for users (docs/api.md). Import from "@hearth/core" instead.

export { childName } from "./naming.js";
export { checkYamlString, isBareYamlScalar, renderYaml11, yamlStringProblem } from "./yaml11.js";

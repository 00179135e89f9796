// Every Hearth package that ships a component plugin (an executable `pulumi-resource-<name>` in
// its folder, docs/yaml.md) is a Pulumi package: Pulumi YAML and every other language see its
// components through the schema that @pulumi/pulumi's component provider host infers from the
// TypeScript args interfaces (provider/experimental/analyzer.js). The inference refuses whole
// packages: one arg it cannot express (a union other than `T | undefined`, a `readonly T[]`, a
// literal type, an intersection, a reference to a non-@pulumi class) and `pulumi preview` of any
// YAML program using the package fails at GetSchema. This test runs that same inference, exactly
// as the plugin does (ComponentProvider.getSchema over the package's exported components), and
// pins each component's inputs and outputs: what a YAML program may write and read.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ComponentResource } from "@pulumi/pulumi";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental/provider";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { repoRoot } from "../../scripts/lib/engine.js";

interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  plain?: boolean;
}
interface SchemaResource {
  isComponent?: boolean;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs: string[];
  properties: Record<string, SchemaProperty>;
  required: string[];
}
interface PackageSchema {
  name: string;
  resources: Record<string, SchemaResource>;
  types: Record<string, { type: string; properties?: Record<string, SchemaProperty>; enum?: unknown[] }>;
}

/** A component's contract as a YAML program sees it: inputs (required ones marked `!`) and outputs. */
interface Contract {
  inputs: string[];
  outputs: string[];
}

// The documented args and outputs of each component (docs/proxmox.md, docs/yaml.md). A renamed,
// added or removed arg shows up here as a reviewed change, like the API report.
const expected: Record<string, Record<string, Contract>> = {
  "@hearth/proxmox": {
    CloudImageTemplate: {
      inputs: ["node!", "imageUrl", "image", "replaceOnImageChange", "vmId!", "checksum", "checksumAlgorithm", "fileName", "templateName", "storage", "imageStorage", "diskSizeGb", "diskInterface", "bridge", "cpuType", "labels", "pool"],
      outputs: ["vmId", "node", "diskSizeGb", "diskInterface", "templateName", "imageFileId", "ref"],
    },
    VmFromTemplate: {
      inputs: [
        // the contract (VmArgs in @hearth/core)
        "hostname", "size", "cores", "memoryMb", "networks", "firewallGroups", "cloudInit", "labels", "backups", "deleteProtection", "volumes",
        // Proxmox's own
        "node!", "template!", "full", "cpuType", "disks", "storage", "vmId", "vmIdRange", "agent", "agentTimeout", "pool", "started", "onBoot", "clonesPerStorage",
      ],
      outputs: ["instanceId", "hostname", "ipv4Address", "labels", "vmId", "name", "node", "ipv4Addresses"],
    },
    Container: {
      inputs: [
        // the contract (VmArgs in @hearth/core), without cloud-init
        "hostname", "size", "cores", "memoryMb", "networks", "firewallGroups", "labels", "backups", "deleteProtection",
        // LXC's own
        "node!", "template!", "replaceOnImageChange", "swapMb", "rootDiskGb", "storage", "mountPoints", "sshKeys", "rootPassword", "unprivileged", "features", "dns", "vmId", "vmIdRange", "pool", "started", "onBoot",
      ],
      outputs: ["instanceId", "hostname", "ipv4Address", "labels", "vmId", "node"],
    },
    Volume: {
      inputs: [
        // the contract (VolumeArgs in @hearth/core)
        "name", "sizeGb!", "filesystem", "labels", "deleteProtection", "allowReplacement",
        // Proxmox's own
        "node!", "storage", "vmId", "vmIdRange",
      ],
      outputs: ["volumeId", "sizeGb", "vmId", "node", "storage", "labels"],
    },
    Image: {
      inputs: ["node!", "content!", "url!", "fileName", "storage", "checksum", "checksumAlgorithm", "decompression", "verifyCertificates", "redownloadWhenChanged", "replaceUnmanagedFile", "timeoutSeconds"],
      outputs: ["volumeId", "fileName", "sizeBytes", "node", "storage", "content"],
    },
    OciImage: {
      inputs: ["node!", "reference!", "fileName", "storage", "redownloadWhenChanged", "replaceUnmanagedFile", "timeoutSeconds"],
      outputs: ["volumeId", "fileName", "sizeBytes", "node", "storage"],
    },
    VmFromIso: {
      inputs: ["node!", "iso!", "hostname", "size", "cores", "memoryMb", "diskSizeGb", "diskInterface", "storage", "networkId", "vmId", "cpuType", "started", "onBoot", "labels", "replaceOnImageChange"],
      outputs: ["vmId", "instanceId", "hostname", "node", "iso"],
    },
    Network: {
      inputs: ["bridge", "vlan", "sdn"],
      outputs: ["networkId", "bridgeName", "cidr"],
    },
    FirewallGroup: {
      inputs: ["rules!", "name", "description", "groupName", "comment"],
      outputs: ["groupId", "groupName", "rules"],
    },
    BackupJob: {
      inputs: ["schedule!", "retention!", "storage", "pool", "all", "mode", "compress", "lockWaitMinutes", "enabled", "node", "jobId"],
      outputs: ["jobId", "schedule", "pruneBackups"],
    },
    Storage: {
      inputs: ["type!", "storageId", "content", "nodes", "shared", "enabled", "directory", "nfs", "cifs", "zfsPool", "lvmThin", "pbs"],
      outputs: ["storageId", "content"],
    },
    HighAvailability: {
      inputs: ["guestId!", "guestType", "state", "maxRestarts", "maxRelocations", "failback", "comment", "preferredNodes", "strictNodes", "keepTogetherWith", "keepApartFrom", "ruleIdPrefix"],
      outputs: ["resourceId", "state", "ruleIds"],
    },
    Replication: {
      inputs: ["guestId!", "targetNode!", "jobNumber", "schedule", "rateLimitMBps", "comment", "enabled", "storages"],
      outputs: ["jobId", "targetNode", "schedule"],
    },
    Pool: {
      inputs: ["poolId", "comment"],
      outputs: ["poolId"],
    },
    AccessToken: {
      inputs: ["purpose!", "userId!", "createUser", "tokenName", "pool", "vmIds", "storages", "sdnZones", "nodes", "rolePrefix", "comment"],
      outputs: ["tokenId", "tokenSecret", "apiToken", "userId", "acls"],
    },
  },
};

/** Folders of packages/ that hold an executable `pulumi-resource-<name>`. */
function pluginPackages(): { dir: string; npmName: string; plugin: string }[] {
  const out: { dir: string; npmName: string; plugin: string }[] = [];
  for (const name of readdirSync(join(repoRoot, "packages"))) {
    const dir = join(repoRoot, "packages", name);
    for (const file of readdirSync(dir)) {
      if (!file.startsWith("pulumi-resource-")) continue;
      const mode = statSync(join(dir, file)).mode;
      if ((mode & 0o111) === 0) throw new Error(`${dir}/${file} is not executable: the engine runs it directly`);
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string };
      out.push({ dir, npmName: pkg.name, plugin: file.slice("pulumi-resource-".length) });
    }
  }
  return out;
}

const packages = pluginPackages();

/** The YAML examples that use a package, by the `packages:` key that names its plugin. */
interface YamlProgram {
  packages?: Record<string, string>;
  resources?: Record<string, { type: string; properties?: Record<string, unknown> }>;
}
const yamlExamples: Record<string, string[]> = { proxmox: ["examples/home-lab-yaml", "examples/proxmox-images"] };

/**
 * Where a YAML value does not fit the schema: keys that are no property, required properties
 * left out, down through nested object types and lists. `${...}` expressions are not checked.
 */
function objectProblems(schema: PackageSchema, path: string, value: Record<string, unknown>, properties: Record<string, SchemaProperty>, required: string[]): string[] {
  const problems: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const property = properties[key];
    if (!property) problems.push(`${path}.${key}: no such property`);
    else problems.push(...valueProblems(schema, `${path}.${key}`, v, property));
  }
  for (const key of required) if (!(key in value)) problems.push(`${path}.${key}: required, missing`);
  return problems;
}

function valueProblems(schema: PackageSchema, path: string, value: unknown, property: SchemaProperty): string[] {
  if (typeof value === "string" && value.startsWith("${")) return [];
  if (property.items) {
    return Array.isArray(value) ? value.flatMap((v, i) => valueProblems(schema, `${path}[${i}]`, v, property.items!)) : [`${path}: a list expected`];
  }
  const ref = property.$ref?.replace(/^#\/types\//, "");
  const type = ref ? schema.types[ref] : undefined;
  if (type?.properties) {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return [`${path}: an object expected`];
    const required = Object.entries(type.properties).filter(([, p]) => !(p as { optional?: boolean }).optional).map(([k]) => k);
    return objectProblems(schema, path, value as Record<string, unknown>, type.properties, (type as { required?: string[] }).required ?? required);
  }
  return [];
}

it("the YAML-usable packages are the ones with a component plugin, and each has its contract here", () => {
  expect(packages.map((p) => p.npmName).sort()).toEqual(Object.keys(expected).sort());
});

describe.each(packages)("$npmName as a Pulumi package", ({ dir, npmName, plugin }) => {
  let schema: PackageSchema | undefined;
  let failure: unknown;

  beforeAll(async () => {
    // What @pulumi/pulumi's cmd/run-plugin does with the package: its exported component classes,
    // a provider named after package.json's name without the scope, the schema from the sources.
    const components = getPulumiComponents(await import(npmName));
    const scope = /^@([^/]+)\//.exec(npmName)?.[1];
    const provider = new ComponentProvider({ name: plugin, namespace: scope, dirname: dir, components });
    try {
      schema = JSON.parse(await provider.getSchema()) as PackageSchema;
    } catch (e) {
      failure = e;
    }
  }, 120_000);

  it(`the plugin's name is the package name without its scope (what run-plugin serves)`, () => {
    expect(npmName.replace(/^@[^/]+\//, "")).toBe(plugin);
  });

  it("every arg of every component is expressible in a package schema", () => {
    // The analyzer's own message names the component, the property and the type it refused.
    expect(failure instanceof Error ? failure.message : failure).toBeUndefined();
    expect(schema?.name).toBe(plugin);
  });

  it.each(Object.entries(expected[npmName] ?? {}))("%s has its documented inputs and outputs", (component, contract) => {
    const resource = schema?.resources[`${plugin}:index:${component}`];
    expect(resource, `${plugin}:index:${component} in the schema`).toBeDefined();
    expect(resource!.isComponent).toBe(true);
    const inputs = Object.keys(resource!.inputProperties).map((k) => (resource!.requiredInputs.includes(k) ? `${k}!` : k));
    expect(inputs.sort()).toEqual([...contract.inputs].sort());
    expect(Object.keys(resource!.properties).sort()).toEqual([...contract.outputs].sort());
  });

  it("the built package's component classes keep their exported names (the plugin finds each one's source by its class name)", async () => {
    // run-plugin loads the built package, not the sources this file imports: a class the bundler
    // renamed (`Replication` became `Replication2` next to the provider's own `Replication`) fails
    // GetSchema with "Failed to find the following components".
    for (const entry of ["dist/index.cjs", "dist/index.js"]) {
      const built = (await import(pathToFileURL(join(dir, entry)).href)) as Record<string, unknown>;
      const components = Object.entries(built).filter(([, v]) => typeof v === "function" && (v as { prototype?: unknown }).prototype instanceof ComponentResource);
      expect(components.length, entry).toBeGreaterThan(0);
      for (const [exported, cls] of components) expect((cls as { name: string }).name, `${entry}: ${exported}`).toBe(exported);
    }
  });

  it("exports no other component than the documented ones", () => {
    const names = Object.keys(schema?.resources ?? {}).map((t) => t.split(":")[2]);
    expect(names.sort()).toEqual(Object.keys(expected[npmName] ?? {}).sort());
  });

  it.each(yamlExamples[plugin] ?? [])("%s writes only properties the schema has, and every required one, nested ones too", (example) => {
    const program = parse(readFileSync(join(repoRoot, example, "Pulumi.yaml"), "utf8")) as YamlProgram;
    expect(program.packages?.[plugin], `packages: ${plugin}: in ${example}`).toBeDefined();
    const used = Object.entries(program.resources ?? {}).filter(([, r]) => r.type.startsWith(`${plugin}:`));
    expect(used.length).toBeGreaterThan(0);
    for (const [name, r] of used) {
      const resource = schema?.resources[r.type];
      expect(resource, `${example}: ${name} has type ${r.type}, which the schema does not have`).toBeDefined();
      expect(objectProblems(schema!, `${name}`, r.properties ?? {}, resource!.inputProperties, resource!.requiredInputs), example).toEqual([]);
    }
  });
});

it("docs/yaml.md shows the home lab example as it is", () => {
  const program = readFileSync(join(repoRoot, "examples/home-lab-yaml/Pulumi.yaml"), "utf8").trim();
  expect(readFileSync(join(repoRoot, "docs/yaml.md"), "utf8")).toContain("```yaml\n" + program + "\n```");
});

// Test support shared by the cloud packages (hcloud, digitalocean, gateway): Pulumi mocks that record every resource a test creates.
import * as pulumi from "@pulumi/pulumi";

export interface Recorded {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

export const created: Recorded[] = [];
let nextId = 1000;

pulumi.runtime.setMocks(
  {
    newResource(args: pulumi.runtime.MockResourceArgs) {
      created.push({ type: args.type, name: args.name, inputs: args.inputs });
      const id = String(nextId++);
      const extra: Record<string, unknown> = {};
      if (args.type === "hcloud:index/server:Server" || args.type === "digitalocean:index/droplet:Droplet") {
        extra.ipv4Address = `203.0.113.${nextId % 250}`;
        extra.ipv6Address = "2001:db8::1";
      }
      if (args.type === "hcloud:index/primaryIp:PrimaryIp") extra.ipAddress = "198.51.100.7";
      if (args.type === "digitalocean:index/reservedIp:ReservedIp") extra.ipAddress = "198.51.100.8";
      if (args.type === "digitalocean:index/tag:Tag") extra.name = args.inputs.name;
      return { id, state: { ...args.inputs, ...extra } };
    },
    call: () => ({}),
  },
  "hearth",
  "test",
);

/** Resolves an Output in a test. */
export const value = <T>(o: pulumi.Output<T>): Promise<T> => new Promise<T>((resolve) => o.apply(resolve));

/** Lets pending resource registrations reach the mocks. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

export const byType = (type: string) => created.filter((r) => r.type === type);
export const byName = (name: string) => created.filter((r) => r.name === name);
export const reset = () => created.splice(0, created.length);

/**
 * A transformation that records each resource's parent (the mocks do not see parents).
 * Passing it in a component's options also checks that options flow to children.
 */
export function parentRecorder(): {
  transformations: pulumi.ResourceTransformation[];
  parents: Map<string, pulumi.Resource | undefined>;
  options: Map<string, pulumi.CustomResourceOptions>;
} {
  const parents = new Map<string, pulumi.Resource | undefined>();
  const options = new Map<string, pulumi.CustomResourceOptions>();
  const record: pulumi.ResourceTransformation = (args) => {
    parents.set(`${args.type}::${args.name}`, args.opts.parent);
    options.set(`${args.type}::${args.name}`, args.opts as pulumi.CustomResourceOptions);
    return undefined;
  };
  return { transformations: [record], parents, options };
}

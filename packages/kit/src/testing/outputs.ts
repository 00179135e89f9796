import * as pulumi from "@pulumi/pulumi";

/** Thrown by {@link outputOf} when an Output is unknown or does not resolve in time. */
export class OutputNotResolvedError extends Error {
  /** Always `"OutputNotResolvedError"`. */
  override readonly name = "OutputNotResolvedError";
}

interface OutputInternals<T> {
  promise(withUnknowns?: boolean): Promise<T>;
  isKnown: Promise<boolean>;
  isSecret: Promise<boolean>;
  resources(): Set<pulumi.Resource>;
}

/** `Type "name"` of a resource, from the fields @pulumi/pulumi keeps on every resource (resource.js). */
function describeResource(resource: pulumi.Resource): string {
  const r = resource as unknown as { __pulumiType?: string; __name?: string };
  return `${r.__pulumiType ?? "resource"} "${r.__name ?? "?"}"`;
}

/** The resource and field an Output comes from, for example `hearth:proxmox:VmFromTemplate "web-1".vmId`. */
function describeOutput(output: OutputInternals<unknown>): string {
  const resources = [...output.resources()];
  for (const resource of resources) {
    const field = Object.entries(resource).find(([, v]) => v === output)?.[0];
    if (field !== undefined) return `${describeResource(resource)}.${field}`;
  }
  return resources.length > 0 ? `an Output of ${resources.map(describeResource).join(", ")}` : "an Output";
}

/** How long {@link outputOf} waits, and what it calls the Output. */
export interface OutputOfOptions {
  /** How long to wait for the value. @default 2000 */
  readonly timeoutMs?: number;
  /** What to call the Output in an error, for example `"vm.vmId"`; by default its resource and field. */
  readonly name?: string;
}

/**
 * Resolves an Output's value in a test. Rejects with the Output's own error when it failed (for
 * example a check on a value that resolved later), and with an {@link OutputNotResolvedError}
 * naming the resource and field when the value is unknown (the mocks run as a preview and did
 * not answer that field) or does not arrive within `timeoutMs`, where `apply` would wait forever.
 *
 * The Output's other views of a failure (known-ness, secrecy) are observed too, so a failed
 * Output never surfaces as an unhandled rejection besides the rejection returned here.
 */
export async function outputOf<T>(output: pulumi.Input<T>, options: OutputOfOptions = {}): Promise<T> {
  const o = (pulumi.Output.isInstance(output) ? output : pulumi.output(output)) as unknown as OutputInternals<T>;
  const timeoutMs = options.timeoutMs ?? 2000;
  o.isKnown.catch(() => undefined);
  o.isSecret.catch(() => undefined);
  const label = () => options.name ?? describeOutput(o as OutputInternals<unknown>);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new OutputNotResolvedError(`${label()} did not resolve within ${timeoutMs} ms (it waits on a value the mocks never answered, or on itself)`)), timeoutMs);
  });
  try {
    const [value, known] = await Promise.race([Promise.all([o.promise(true), o.isKnown]), timeout]);
    if (!known) {
      throw new OutputNotResolvedError(`${label()} is unknown: its value is only known after a deployment (the mocks run as a preview and did not answer it)`);
    }
    return value;
  } finally {
    clearTimeout(timer);
  }
}

import * as pulumi from "@pulumi/pulumi";

/**
 * State shared by the components of one Pulumi program (the VM id registry, the clone queues).
 * Keyed by the program's root stack resource, so Automation API hosts that run several
 * programs in one process start each with a clean slate; unit tests with mocks have no stack
 * resource and share one instance, which they clear themselves.
 */
export function perProgram<T extends object>(create: () => T): () => T {
  const byStack = new WeakMap<object, T>();
  let withoutStack: T | undefined;
  return () => {
    const stack = pulumi.runtime.getStackResource();
    if (stack === undefined) return (withoutStack ??= create());
    let state = byStack.get(stack);
    if (state === undefined) byStack.set(stack, (state = create()));
    return state;
  };
}

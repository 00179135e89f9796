import * as pulumi from "@pulumi/pulumi";
import type { Fail } from "@hearth/core";

/**
 * State shared by the components of one Pulumi program. Keyed by the program's root stack
 * resource, so Automation API hosts that run several programs in one process start each with a
 * clean slate; unit tests with mocks have no stack resource and share one instance.
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

const claims = perProgram(() => new Map<string, string>());
const providerIds = new WeakMap<object, number>();
let nextProviderId = 1;

/**
 * The provider a component's children use for package `pkg` (`opts.provider`, or the one for
 * `pkg` in `opts.providers`); names only collide within one provider (one project, one account,
 * one cluster). Without an explicit provider, the default one.
 */
export function providerScope(opts: pulumi.ComponentResourceOptions | undefined, pkg: string): string {
  const fromList = (list: unknown) =>
    Array.isArray(list) ? list.find((p) => (p as { getPackage?: () => string }).getPackage?.() === pkg) : (list as Record<string, unknown> | undefined)?.[pkg];
  const provider = (opts?.provider as unknown) ?? fromList(opts?.providers);
  if (provider === undefined || provider === null || typeof provider !== "object") return `${pkg}:default`;
  let id = providerIds.get(provider);
  if (id === undefined) providerIds.set(provider, (id = nextProviderId++));
  return `${pkg}:${id}`;
}

/**
 * Claims a name that must be unique at the provider (a Hetzner server or firewall name, a
 * Proxmox backup job id or security group) for one component, and refuses it in the plan when
 * another component of the same program already derived the same name in the same scope.
 * The same component claiming again (a re-run in a test) is not a collision.
 */
export function claimUniqueName(fail: Fail, field: string, what: string, scope: string, name: string, owner: string): string {
  const key = `${scope}\u0000${what}\u0000${name}`;
  const holder = claims().get(key);
  if (holder !== undefined && holder !== owner) {
    fail(field, name, `${holder} already uses the ${what} ${JSON.stringify(name)}; ${what}s must be unique, so choose another`);
  }
  claims().set(key, owner);
  return name;
}

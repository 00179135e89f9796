import * as pulumi from "@pulumi/pulumi";

/**
 * What a composing component hands a component it builds on, beside that component's args.
 * `GatewayNode` builds on the provider's `VmFromTemplate`, `FirewallGroup` and `PublicIp`; it
 * needs their children to keep the URNs and labels they had when the gateway created them
 * itself, without those components growing public args that only a composer may use (their
 * args stay what a user, or a Pulumi package schema, states).
 */
export interface Composition {
  /**
   * Labels (Hearth's own `hearth/` keys included) set on every labelled resource of the
   * component; they win over the component's own labels, so a gateway's server still says
   * `hearth/component: GatewayNode` and carries `hearth/role`. DigitalOcean flattens them into
   * tags like any other label. @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Resource options for the component's children, by child (Pulumi) name, merged into the
   * options the component gives them (`pulumi.mergeOptions`: lists such as `aliases` and
   * `additionalSecretOutputs` are joined, single values replaced). The reason to exist:
   * `aliases` pointing at the URN a child had before it moved under the component, so an
   * upgrade does not replace it. @default {}
   */
  readonly children?: Readonly<Record<string, pulumi.CustomResourceOptions>>;
  /**
   * Who holds the provider names the component claims (`claimUniqueName`'s owner), such as
   * `GatewayNode "gw"`: the composer claims them itself before it registers anything (so a
   * collision is refused in the plan with nothing registered), and the component's own claim of
   * the same name is then the same claim, not a collision. @default the component itself
   */
  readonly owner?: string;
}

// Keyed by the options object the composer passes: Pulumi hands a component's constructor the
// very object given to `new`, so the component finds its composition there, and nothing of it
// reaches the component's args, its registered inputs, or any resource the composer did not
// build this way. A WeakMap, so nothing outlives the options object.
const compositions = new WeakMap<object, Composition>();

/**
 * Options for a component that `composer`'s code builds on: a copy of `opts` that carries
 * `composition` for the component to read with {@link compositionOf}.
 *
 * ```ts
 * new VmFromTemplate(name, vmArgs, composed({ parent: this }, {
 *   labels: { "hearth/role": "ingress" },
 *   children: { [name]: { aliases: [{ parent: this }] } },
 * }));
 * ```
 */
export function composed<T extends pulumi.ComponentResourceOptions>(opts: T, composition: Composition): T {
  const copy = { ...opts };
  compositions.set(copy, composition);
  return copy;
}

/** The composition `opts` carries (see {@link composed}); empty for options a user wrote. */
export function compositionOf(opts: pulumi.ComponentResourceOptions | undefined): Composition {
  return (opts !== undefined && compositions.get(opts)) || {};
}

/**
 * A child's options: the component's own for it (`{ parent: this, ... }`), merged with what
 * the composition gives the child of that name. A component passes every child's options
 * through this, which is all it takes to let a composer alias its children.
 */
export function childOptions<T extends pulumi.CustomResourceOptions>(
  opts: pulumi.ComponentResourceOptions | undefined,
  child: string,
  own: T,
): T {
  const extra = compositionOf(opts).children?.[child];
  return extra === undefined ? own : (pulumi.mergeOptions(own, extra) as T);
}

/** A component's labels with the composition's laid over them (the composition's win). */
export function composedLabels(opts: pulumi.ComponentResourceOptions | undefined, labels: Record<string, string>): Record<string, string> {
  const extra = compositionOf(opts).labels;
  return extra === undefined ? labels : { ...labels, ...extra };
}

/** The owner a component claims its unique provider names for: the composer's (see {@link Composition.owner}) or its own. */
export function nameOwner(opts: pulumi.ComponentResourceOptions | undefined, own: string): string {
  return compositionOf(opts).owner ?? own;
}

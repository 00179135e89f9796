/**
 * A compile-time check that a provider's args take every value the contract allows under the
 * contract's names: `ArgsConform<VmArgs, proxmox.VmFromTemplateArgs>` is `true` when each
 * contract field exists in the provider's args and any contract value is assignable to it (a
 * plain value is assignable to a `pulumi.Input` of it), and names the first field that does
 * not otherwise. The conformance test asserts it for every provider.
 */
export type ArgsConform<Contract, Provider> = {
  [K in keyof Contract]-?: K extends keyof Provider ? (Contract[K] extends Provider[K] ? never : K) : K;
}[keyof Contract] extends never
  ? true
  : {
      [K in keyof Contract]-?: K extends keyof Provider ? (Contract[K] extends Provider[K] ? never : K) : K;
    }[keyof Contract];

import type * as pulumi from "@pulumi/pulumi";

/**
 * A contract's output values as a component's public Outputs:
 * `class VmFromTemplate extends pulumi.ComponentResource implements Outputs<VmOutputs>`.
 */
export type Outputs<T> = { readonly [K in keyof T]-?: pulumi.Output<T[K]> };

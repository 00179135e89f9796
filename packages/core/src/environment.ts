/** The kinds of environment a stack can declare. Policies key off this. */
export const environments = ["production", "staging", "lab", "sandbox"] as const;
export type Environment = (typeof environments)[number];

/**
 * Stack-config parsing shared by the two stacks of this repository (stacks/home, stacks/cloud).
 * Application code, not library code: it lives with the stacks, and @hearth/core stays free of it.
 */
import { z } from "zod";
import { HearthValidationError, environments } from "@hearth/core";

export { environments, type Environment } from "@hearth/core";
export const environmentSchema = z.enum(environments);

/**
 * Parses stack config with a zod schema and turns the first problem into a
 * HearthValidationError naming the config key, so `pulumi preview` says which key to fix.
 *
 * ```ts
 * const cfg = parseStackConfig("stacks/home", schema, new pulumi.Config().requireObject("home"));
 * ```
 */
export function parseStackConfig<S extends z.ZodType>(where: string, schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.map(String).join(".") : "(root)";
  let value: unknown = raw;
  for (const key of issue.path) value = value && typeof value === "object" ? (value as Record<PropertyKey, unknown>)[key as PropertyKey] : undefined;
  throw new HearthValidationError(`stack config ${where}`, field, value, issue.message);
}

export { z };

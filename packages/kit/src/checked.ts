import * as pulumi from "@pulumi/pulumi";
import { HearthValidationError } from "@hearth/core";

/**
 * Runs `check` on a value now if it is plain, or when it resolves if it is an Output or a
 * Promise. Plain values fail in the constructor, before any child exists; unknown values
 * fail inside `apply`, which fails the deployment before the provider sees them.
 * Returns an Output of the (checked) value.
 *
 * A value the user marked secret (`pulumi.secret(...)`, or an Output built from one) is never
 * echoed: when its check fails, the error shows `[secret]` instead of the value, and every
 * piece of the value is blanked out of the rest of the message too. This is the one place
 * that decides it, so every field checked through `checked` keeps secrets out of errors.
 */
export function checked<T>(value: pulumi.Input<T>, check: (v: T) => void): pulumi.Output<T> {
  if (isPlain(value)) {
    check(value as T);
    return pulumi.output(value as T) as pulumi.Output<T>;
  }
  const output = pulumi.output(value) as pulumi.Output<T>;
  return output.apply(async (resolved) => {
    try {
      check(resolved as T);
    } catch (error) {
      if (error instanceof HearthValidationError && (await pulumi.isSecret(output))) throw redactSecret(error, resolved);
      throw error;
    }
    return resolved;
  }) as pulumi.Output<T>;
}

/** The same error with `secret` (and every string or number inside it) replaced by `[secret]`. */
export function redactSecret(error: HearthValidationError, secret: unknown): HearthValidationError {
  const pieces = [...secretPieces(secret, 0)].filter((p) => p.length > 0).sort((a, b) => b.length - a.length);
  const scrub = (text: string) => pieces.reduce((t, piece) => t.split(piece).join("[secret]"), text);
  return new HearthValidationError(error.component, scrub(error.field), "[secret]", scrub(error.allowed));
}

function* secretPieces(value: unknown, depth: number): Generator<string> {
  if (typeof value === "string") {
    yield value;
    yield JSON.stringify(value).slice(1, -1);
    for (const line of value.split(/\s+/)) if (line.length >= 3) yield line;
  } else if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean") {
    yield String(value);
  } else if (value !== null && typeof value === "object" && depth < 5) {
    for (const [key, inner] of Object.entries(value)) {
      yield key;
      yield* secretPieces(inner, depth + 1);
    }
  }
}

/** True when a value is known now: neither an Output nor a Promise. */
export function isPlain<T>(value: pulumi.Input<T> | undefined): value is T {
  return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}


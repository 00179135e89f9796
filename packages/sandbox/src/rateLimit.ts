/**
 * A token bucket behind the `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (Unix
 * seconds) headers: hcloud-go v2.47.0 `hcloud/client_handler_rate_limit.go` reads these three on
 * every response; godo `godo.go` reads the same names (`headerRateLimit`...) for DigitalOcean, whose
 * API description (../shared/specs/digitalocean-openapi.json, "Rate Limit") documents them.
 * An empty bucket answers 429.
 */
export class RateLimiter {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: number,
    /** Tokens added back per second. */
    private readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limit;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.limit, this.tokens + ((t - this.last) / 1000) * this.refillPerSecond);
    this.last = t;
  }

  /** Count one request; false when the bucket is empty. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  headers(names: { limit: string; remaining: string; reset: string }): Record<string, string> {
    this.refill();
    const missing = this.limit - Math.floor(this.tokens);
    const reset = Math.ceil((this.now() + (missing / this.refillPerSecond) * 1000) / 1000);
    return { [names.limit]: String(this.limit), [names.remaining]: String(Math.floor(this.tokens)), [names.reset]: String(reset) };
  }
}

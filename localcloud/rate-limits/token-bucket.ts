/**
 * AWS's token bucket: `burst` tokens at most, `refillPerSecond` added back over time, one token per
 * request; an empty bucket throttles. Refill is continuous (fractional tokens), the smooth form of
 * "a set number of tokens is added back to it every second" in AWS's throttling pages.
 */
export interface BucketLimits {
  /** Bucket maximum capacity (the burst rate). */
  burst: number;
  /** Bucket refill rate in tokens per second (the sustained rate). */
  refillPerSecond: number;
}

export class TokenBucket {
  private tokens: number;
  private last: number;

  /** `now` is real milliseconds: AWS's limits are about real request rates, not simulated time. */
  constructor(
    readonly limits: BucketLimits,
    private readonly now: () => number,
  ) {
    this.tokens = limits.burst;
    this.last = now();
  }

  /** Takes one token if there is one; false means the request is throttled. */
  take(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Tokens available now (for inspection). */
  available(): number {
    this.refill();
    return this.tokens;
  }

  private refill(): void {
    const t = this.now();
    const elapsed = Math.max(0, t - this.last) / 1000;
    this.last = t;
    this.tokens = Math.min(this.limits.burst, this.tokens + elapsed * this.limits.refillPerSecond);
  }
}

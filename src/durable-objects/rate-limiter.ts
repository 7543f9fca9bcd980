import { DurableObject } from "cloudflare:workers";

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch milliseconds when the current window ends. */
  resetAt: number;
}

/**
 * One fixed-window counter per name (an API key, or a client IP for failed
 * authentication). A Durable Object handles one call at a time and `hit` never
 * awaits, so the count is exact under concurrency without any locking of our own.
 *
 * The state is one window, kept in memory on purpose: persisting it would cost
 * a storage write per request, and losing it (the object restarting) can at
 * worst forgive the rest of one minute. With nothing stored there is nothing
 * for an alarm to clean up.
 */
export class RateLimiter extends DurableObject {
  private windowStart = 0;
  private count = 0;

  hit(limit: number, windowMs: number, now: number = Date.now()): RateLimitDecision {
    const windowStart = now - (now % windowMs);
    // Windows only move forward: callers on different machines pass their own
    // clocks, and a slightly late one must not reopen an exhausted window.
    if (windowStart > this.windowStart) {
      this.windowStart = windowStart;
      this.count = 0;
    }
    const resetAt = this.windowStart + windowMs;
    if (this.count >= limit) return { allowed: false, limit, remaining: 0, resetAt };
    this.count += 1;
    return { allowed: true, limit, remaining: limit - this.count, resetAt };
  }
}

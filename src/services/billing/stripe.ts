import Stripe from "stripe";
import type { Bindings } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { logger } from "../../lib/logger.ts";

/**
 * A Stripe client over `fetch`, the only HTTP client Workers have. Built per
 * request: billing calls are rare, and a module-level client would pin the
 * secret of whichever request came first.
 */
export function stripeClient(env: Bindings): Stripe {
  if (!env.STRIPE_SECRET_KEY) throw new ApiError("billing_not_configured");
  return new Stripe(env.STRIPE_SECRET_KEY, {
    httpClient: Stripe.createFetchHttpClient(),
    maxNetworkRetries: 1,
    timeout: 10_000,
  });
}

export const webCrypto = Stripe.createSubtleCryptoProvider();

/**
 * Runs one Stripe call. Whatever Stripe answers wrong (unreachable, rate
 * limited, a rejected key or price) is the deployment's problem, not the
 * caller's: it is logged with Stripe's error type and code and answered 503.
 */
export async function callStripe<T>(operation: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const stripeError = error instanceof Stripe.errors.StripeError ? error : null;
    logger.error("stripe_request_failed", {
      operation,
      stripe_error_type: stripeError?.type,
      stripe_error_code: stripeError?.code,
      stripe_status: stripeError?.statusCode,
      error,
    });
    throw new ApiError("service_unavailable", {
      message: "The billing provider could not complete the request. Nothing was changed; retry later.",
    });
  }
}

/** The ID of an expandable Stripe field, whether Stripe sent the ID or the object. */
export function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

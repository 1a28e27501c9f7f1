import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { normalizeEmail } from '../lib/email.ts';

/** The key sign-in limits use for an e-mail: as the account lookup compares it. */
export function signInKey(email: unknown): string {
  return typeof email === 'string' ? normalizeEmail(email) : '';
}

/**
 * Per-account backoff: after `failures` refused sign-ins on one e-mail within the window (15 minutes),
 * from any address, that e-mail is refused until the window ends, before its password is even checked. It is keyed
 * on the e-mail as typed (normalised), never on whether an account exists, so an unknown e-mail is
 * limited exactly like a known one and the answer reveals nothing. Kept in each web process's memory.
 */
export class SignInBackoff {
  readonly #limiter: RateLimiterMemory;

  constructor(options: { failures?: number; windowSeconds?: number } = {}) {
    this.#limiter = new RateLimiterMemory({
      keyPrefix: 'sign-in',
      points: options.failures ?? 10,
      duration: options.windowSeconds ?? 15 * 60,
    });
  }

  /** Seconds until this e-mail may try again, or 0. */
  async secondsBlocked(email: string): Promise<number> {
    const state = await this.#limiter.get(signInKey(email));
    if (!state || state.consumedPoints < this.#limiter.points) return 0;
    return Math.max(1, Math.ceil(state.msBeforeNext / 1000));
  }

  async recordFailure(email: string): Promise<void> {
    await this.#limiter.consume(signInKey(email)).catch((error: unknown) => {
      // Already over the limit (two failures at once): it stays blocked, which is the point.
      if (!(error instanceof RateLimiterRes)) throw error;
    });
  }

  async recordSuccess(email: string): Promise<void> {
    await this.#limiter.delete(signInKey(email));
  }
}

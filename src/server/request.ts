import type { RateLimitOptions } from '@fastify/rate-limit';
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../lib/errors.ts';
import type { Principal } from './types.ts';

// PostgreSQL text cannot hold NUL, and a lone UTF-16 surrogate is no character at all: both are refused
// here (400) rather than by the database (500, possibly after earlier writes of the same request).
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point.
const unsafeText = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The path of the first string (or key) in `input` holding a NUL or a lone surrogate, if any. */
function findUnsafeText(input: unknown): string | undefined {
  const pending: Array<{ value: unknown; path: string }> = [{ value: input, path: '' }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (typeof value === 'string') {
      if (unsafeText.test(value)) return path || '(body)';
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (unsafeText.test(key)) return childPath;
        pending.push({ value: child, path: childPath });
      }
    }
  }
  return undefined;
}

/** Parses untrusted input with a contract schema; failures become a 400 listing every bad field. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
  const unsafe = findUnsafeText(input);
  if (unsafe !== undefined) {
    const fields = [
      { field: unsafe, message: 'contains a NUL character or an invalid (lone surrogate) character' },
    ];
    throw new AppError('validation_failed', `Invalid input: ${unsafe}: ${fields[0]!.message}`, {
      details: { fields },
    });
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || '(body)',
      message: issue.message,
    }));
    throw new AppError(
      'validation_failed',
      `Invalid input: ${fields.map((f) => `${f.field}: ${f.message}`).join('; ')}`,
      { details: { fields } },
    );
  }
  return parsed.data;
}

/** The principal of a route declared `user` or `admin` (the access hook has already checked it). */
export function getPrincipal(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'Sign in first.');
  return request.principal;
}

/**
 * A route's rate limit: `max` requests a minute per key (by default the signed-in person, else the
 * address), the next ones refused with a 429 whose `message` says what to do.
 */
export function limitPerMinute(
  max: number,
  message: string,
  keyGenerator: (request: FastifyRequest) => string = (request) => request.principal?.userId ?? request.ip,
): RateLimitOptions {
  return {
    max,
    timeWindow: '1 minute',
    keyGenerator,
    errorResponseBuilder: () => ({ statusCode: 429, message }),
  };
}

import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { AppError } from '../lib/errors.ts';
import type { Principal } from './types.ts';

/** Parses untrusted input with a contract schema; failures become a 400 listing every bad field. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.infer<Schema> {
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

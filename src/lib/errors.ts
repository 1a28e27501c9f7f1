import type { Message, MessageCode } from '../contract/messages.ts';

/** Error codes of the HTTP API, each with its status. The wire shape is `{ error: { code, message } }`. */
const appErrorStatus = {
  bad_request: 400,
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  current_password_incorrect: 400,
  forbidden: 403,
  csrf_invalid: 403,
  not_found: 404,
  conflict: 409,
  zoom_not_connected: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  range_not_satisfiable: 416,
  rate_limited: 429,
  zoom_unavailable: 502,
  internal: 500,
} as const;

export type AppErrorCode = keyof typeof appErrorStatus;

/**
 * An API refusal. `message` is English for logs and API clients; `reason` + `params` is what the web
 * UI shows, translated (`server.<reason>` in its locale files, see src/contract/messages.ts).
 */
export class AppError extends Error {
  readonly status: number;
  readonly details: unknown;
  readonly reason: MessageCode | undefined;
  readonly params: Message['params'];
  constructor(
    readonly code: AppErrorCode,
    message: string,
    options?: { cause?: unknown; details?: unknown; reason?: MessageCode; params?: Message['params'] },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.status = appErrorStatus[code];
    this.details = options?.details;
    this.reason = options?.reason;
    this.params = options?.params;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * What went wrong with a Zoom call, in the terms the job layer decides on:
 * retry later (`rate_limited`, `transient`), reconnect (`unauthorized`, `invalid_grant`),
 * give up on this item (`not_found`, `forbidden`, `invalid_request`).
 */
export type ZoomErrorKind =
  | 'unauthorized'
  | 'invalid_grant'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'transient'
  | 'invalid_request';

export class ZoomApiError extends Error {
  readonly kind: ZoomErrorKind;
  readonly status: number;
  /** Zoom's numeric `code` (124, 300, 3301, 4700, …) or the OAuth `error` string. */
  readonly zoomCode: number | string | undefined;
  /** Milliseconds to wait before trying again, from Zoom's headers, when it said. */
  readonly retryAfterMs: number | undefined;
  readonly endpoint: string;
  readonly fieldErrors: Array<{ field: string; message: string }>;

  constructor(options: {
    kind: ZoomErrorKind;
    status: number;
    message: string;
    endpoint: string;
    zoomCode?: number | string;
    retryAfterMs?: number;
    fieldErrors?: Array<{ field: string; message: string }>;
    cause?: unknown;
  }) {
    super(
      `Zoom ${options.endpoint}: ${options.message}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = 'ZoomApiError';
    this.kind = options.kind;
    this.status = options.status;
    this.zoomCode = options.zoomCode;
    this.retryAfterMs = options.retryAfterMs;
    this.endpoint = options.endpoint;
    this.fieldErrors = options.fieldErrors ?? [];
  }
}

/** Zoom's code and message, read from an error answer's JSON body. */
export type ZoomErrorBody = {
  zoomCode: number | string;
  message: string;
  fieldErrors?: Array<{ field: string; message: string }>;
};

/**
 * A Zoom error answer as one `ZoomApiError`. `readBody` picks Zoom's code and message out of the JSON
 * body (REST and OAuth answers differ); a body that is not JSON (a proxy's error page), or one it does
 * not recognise, keeps the status line.
 */
export async function zoomApiErrorFrom(
  response: Response,
  endpoint: string,
  readBody: (body: unknown) => ZoomErrorBody | undefined,
  retryAfterMs?: number,
): Promise<ZoomApiError> {
  const text = await response.text().catch(() => '');
  let body: ZoomErrorBody | undefined;
  try {
    body = readBody(JSON.parse(text));
  } catch {
    // Not JSON: keep the status line.
  }
  return new ZoomApiError({
    kind: classifyZoomError(response.status, body?.zoomCode),
    status: response.status,
    message: body?.message ?? `HTTP ${response.status}`,
    endpoint,
    zoomCode: body?.zoomCode,
    fieldErrors: body?.fieldErrors ?? [],
    retryAfterMs,
  });
}

/** No answer from Zoom at all (refused, reset, timed out): `transient`, with status 0 and the cause. */
export function zoomUnreachableError(
  endpoint: string,
  cause: unknown,
  message = 'Zoom could not be reached',
) {
  return new ZoomApiError({ kind: 'transient', status: 0, message, endpoint, cause });
}

export function isZoomApiError(error: unknown): error is ZoomApiError {
  return error instanceof ZoomApiError;
}

/**
 * What to do about a failed Zoom call, the one place that decides it from the error's kind:
 * `retry` later (after Zoom's `Retry-After` when it gave one), `reconnect` (the grant is gone: an admin
 * must connect Zoom again), or `fail` this item (asking again gets the same answer). An error that is
 * not Zoom's (network, database) is retried. `isAccountWide`: the whole Zoom account is concerned (a
 * rate limit, a scope the app lacks: Zoom codes 4700 and 4711), not only the item asked for.
 */
export type ZoomFailureDecision =
  | { action: 'retry'; afterMs: number | undefined; isAccountWide: boolean }
  | { action: 'reconnect' }
  | { action: 'fail'; kind: 'not_found' | 'forbidden' | 'invalid_request'; isAccountWide: boolean };

export function decideZoomFailure(error: unknown): ZoomFailureDecision {
  if (!isZoomApiError(error)) return { action: 'retry', afterMs: undefined, isAccountWide: false };
  switch (error.kind) {
    case 'rate_limited':
    case 'transient':
      return { action: 'retry', afterMs: error.retryAfterMs, isAccountWide: error.kind === 'rate_limited' };
    case 'unauthorized':
    case 'invalid_grant':
      return { action: 'reconnect' };
    default:
      return { action: 'fail', kind: error.kind, isAccountWide: isMissingScope(error.zoomCode) };
  }
}

const isMissingScope = (zoomCode: number | string | undefined) => zoomCode === 4700 || zoomCode === 4711;

/** Maps an HTTP status and Zoom code to a kind (docs/zoom-platform.md §6: 124 expired/invalid token, 4700 missing scope). */
export function classifyZoomError(status: number, zoomCode: number | string | undefined): ZoomErrorKind {
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 408) return 'transient';
  if (zoomCode === 'invalid_grant') return 'invalid_grant';
  if (status === 401 || zoomCode === 124) return 'unauthorized';
  if (isMissingScope(zoomCode)) return 'forbidden';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  return 'invalid_request';
}

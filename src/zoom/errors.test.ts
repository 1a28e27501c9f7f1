import { describe, expect, it } from 'vitest';
import { classifyZoomError, decideZoomFailure, ZoomApiError } from './errors.ts';

const failure = (status: number, zoomCode?: number | string, retryAfterMs?: number) =>
  new ZoomApiError({
    kind: classifyZoomError(status, zoomCode),
    status,
    message: 'test',
    endpoint: 'GET /test',
    ...(zoomCode === undefined ? {} : { zoomCode }),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

describe('what to do about a Zoom failure', () => {
  it('retries what may pass, after Zoom’s Retry-After when it gave one', () => {
    expect(decideZoomFailure(failure(429, 429, 3 * 3600_000))).toEqual({
      action: 'retry',
      afterMs: 3 * 3600_000,
      isAccountWide: true,
    });
    expect(decideZoomFailure(failure(503))).toEqual({
      action: 'retry',
      afterMs: undefined,
      isAccountWide: false,
    });
    expect(decideZoomFailure(new TypeError('fetch failed'))).toEqual({
      action: 'retry',
      afterMs: undefined,
      isAccountWide: false,
    });
  });

  it('asks for a reconnect when the grant is gone, and fails what asking again cannot change', () => {
    expect(decideZoomFailure(failure(401, 124))).toEqual({ action: 'reconnect' });
    expect(decideZoomFailure(failure(400, 'invalid_grant'))).toEqual({ action: 'reconnect' });
    expect(decideZoomFailure(failure(400, 4700))).toEqual({
      action: 'fail',
      kind: 'forbidden',
      isAccountWide: true,
    });
    expect(decideZoomFailure(failure(403))).toEqual({
      action: 'fail',
      kind: 'forbidden',
      isAccountWide: false,
    });
    expect(decideZoomFailure(failure(404, 3301))).toEqual({
      action: 'fail',
      kind: 'not_found',
      isAccountWide: false,
    });
    expect(decideZoomFailure(failure(400, 300))).toEqual({
      action: 'fail',
      kind: 'invalid_request',
      isAccountWide: false,
    });
  });
});

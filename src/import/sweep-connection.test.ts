import { describe, expect, it } from 'vitest';
import { classifyZoomError, ZoomApiError } from '../zoom/errors.ts';
import { userSweepError } from './sweep-connection.ts';

const failure = (status: number, zoomCode?: number | string) =>
  new ZoomApiError({
    kind: classifyZoomError(status, zoomCode),
    status,
    message: 'test',
    endpoint: 'GET /users/{userId}/recordings',
    ...(zoomCode === undefined ? {} : { zoomCode }),
  });

describe("one user's failed listing", () => {
  it.each([
    ['not allowed to host (3161)', failure(400, 3161), 'zoom_user_not_licensed'],
    ['user gone (1001)', failure(400, 1001), 'zoom_user_not_found'],
    ['404', failure(404), 'zoom_user_not_found'],
    ['5xx after the client’s retries', failure(503), 'zoom_unavailable'],
    ['no answer at all', new TypeError('fetch failed'), 'zoom_unavailable'],
    ['a refused parameter', failure(400, 300), 'zoom_invalid_request'],
    ['403 without a scope code', failure(403), 'zoom_user_forbidden'],
  ])('%s concerns that user only', (_, error, code) => {
    expect(userSweepError(error)).toBe(code);
  });

  it.each([
    ['a missing scope (4700)', failure(400, 4700)],
    ['a missing scope (4711)', failure(403, 4711)],
    ['a rate limit', failure(429)],
    ['an expired grant', failure(401, 124)],
    ['a revoked grant', failure(400, 'invalid_grant')],
  ])('%s stops the whole sweep', (_, error) => {
    expect(userSweepError(error)).toBeUndefined();
  });
});

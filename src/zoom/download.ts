import type { Readable } from 'node:stream';
import { Readable as NodeReadable } from 'node:stream';
import { ZoomApiError } from './errors.ts';

export type DownloadResponse = {
  body: Readable;
  /** Bytes in this response (after the range start), when Zoom said. */
  contentLength: number | undefined;
  contentType: string;
  /** True when the server honoured the `Range` request (206). */
  isPartial: boolean;
};

/**
 * Starts downloading a recording file (ref §2.4): the token goes in the Bearer header, Zoom answers 302
 * to a signed URL, which is followed *without* the Authorization header. A failure can come back as
 * 200 with an HTML page, so the content type is checked, not only the status.
 */
export async function openRecordingDownload(
  downloadUrl: string,
  options: { token: string; rangeStart?: number; timeoutMs?: number; signal?: AbortSignal },
): Promise<DownloadResponse> {
  const endpoint = 'GET /rec/download';
  const range: Record<string, string> = options.rangeStart ? { range: `bytes=${options.rangeStart}-` } : {};
  const signal = options.signal ?? AbortSignal.timeout(options.timeoutMs ?? 30_000);
  let response = await fetchOrTransient(
    downloadUrl,
    { headers: { authorization: `Bearer ${options.token}`, ...range }, redirect: 'manual', signal },
    endpoint,
  );
  for (let hops = 0; response.status >= 300 && response.status < 400; hops++) {
    const location = response.headers.get('location');
    await response.body?.cancel();
    if (!location || hops >= 5) {
      throw new ZoomApiError({
        kind: 'transient',
        status: response.status,
        message: 'redirect without a usable location',
        endpoint,
      });
    }
    response = await fetchOrTransient(
      new URL(location, downloadUrl).toString(),
      { headers: range, redirect: 'manual', signal },
      endpoint,
    );
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!response.ok) {
    await response.body?.cancel();
    const kind =
      response.status === 429
        ? 'rate_limited'
        : response.status >= 500
          ? 'transient'
          : response.status === 404
            ? 'not_found'
            : response.status === 401
              ? 'unauthorized'
              : 'forbidden';
    throw new ZoomApiError({
      kind,
      status: response.status,
      message: `download refused (HTTP ${response.status})`,
      endpoint,
    });
  }
  if (contentType.startsWith('text/html')) {
    const page = (await response.text())
      .slice(0, 300)
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    throw new ZoomApiError({
      kind: 'unauthorized',
      status: response.status,
      message: `Zoom answered with a web page instead of the file: ${page || 'no text'}`,
      endpoint,
    });
  }
  if (!response.body)
    throw new ZoomApiError({ kind: 'transient', status: response.status, message: 'empty body', endpoint });
  const length = response.headers.get('content-length');
  return {
    // Readable.from over the web stream's async iterator: a reset socket surfaces as this stream's
    // 'error' (Readable.fromWeb can leave undici's "terminated" uncaught on Node 22).
    body: NodeReadable.from(response.body as unknown as AsyncIterable<Uint8Array>, { objectMode: false }),
    contentLength: length ? Number(length) : undefined,
    contentType,
    isPartial: response.status === 206,
  };
}

async function fetchOrTransient(url: string, init: RequestInit, endpoint: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (cause) {
    throw new ZoomApiError({
      kind: 'transient',
      status: 0,
      message: 'download connection failed',
      endpoint,
      cause,
    });
  }
}

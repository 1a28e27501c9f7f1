import type { Readable } from 'node:stream';
import { type Dispatcher, request } from 'undici';
import { classifyZoomError, ZoomApiError } from './errors.ts';

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
  options: { token: string; rangeStart?: number; idleTimeoutMs?: number; signal?: AbortSignal },
): Promise<DownloadResponse> {
  const endpoint = 'GET /rec/download';
  const range: Record<string, string> = options.rangeStart ? { range: `bytes=${options.rangeStart}-` } : {};
  // Timeouts on silence (no headers, or no bytes for this long), never on the whole file: a 2 GB
  // recording on a slow link may take many minutes and must still arrive.
  const timeouts = {
    headersTimeout: options.idleTimeoutMs ?? 30_000,
    bodyTimeout: options.idleTimeoutMs ?? 30_000,
  };
  const signal = options.signal;
  // undici's request (not fetch): the body is a Node stream, and a file costs a third of fetch's CPU.
  // It follows no redirect by itself, so the token never reaches the signed URL's host.
  let response = await requestOrTransient(
    downloadUrl,
    { headers: { authorization: `Bearer ${options.token}`, ...range }, signal, ...timeouts },
    endpoint,
  );
  let url = downloadUrl;
  for (let hops = 0; response.statusCode >= 300 && response.statusCode < 400; hops++) {
    const location = headerOf(response, 'location');
    await response.body.dump();
    if (!location || hops >= 5) {
      throw new ZoomApiError({
        kind: 'transient',
        status: response.statusCode,
        message: 'redirect without a usable location',
        endpoint,
      });
    }
    url = new URL(location, url).toString();
    response = await requestOrTransient(url, { headers: range, signal, ...timeouts }, endpoint);
  }
  const status = response.statusCode;
  const contentType = headerOf(response, 'content-type') ?? '';
  if (status < 200 || status >= 300) {
    await response.body.dump();
    throw new ZoomApiError({
      kind: classifyZoomError(status, undefined),
      status,
      message: `download refused (HTTP ${status})`,
      endpoint,
    });
  }
  if (contentType.startsWith('text/html')) {
    const page = (await response.body.text())
      .slice(0, 300)
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    throw new ZoomApiError({
      kind: 'unauthorized',
      status,
      message: `Zoom answered with a web page instead of the file: ${page || 'no text'}`,
      endpoint,
    });
  }
  const length = headerOf(response, 'content-length');
  // The body streams from now on: a reset before the store listens must not be an uncaught 'error'
  // (it still reaches whoever reads the body, which then fails with it).
  response.body.on('error', () => {});
  return {
    body: response.body,
    contentLength: length ? Number(length) : undefined,
    contentType,
    isPartial: status === 206,
  };
}

type UndiciResponse = Dispatcher.ResponseData;

function headerOf(response: UndiciResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function requestOrTransient(
  url: string,
  init: {
    headers: Record<string, string>;
    signal: AbortSignal | undefined;
    headersTimeout: number;
    bodyTimeout: number;
  },
  endpoint: string,
): Promise<UndiciResponse> {
  try {
    return await request(url, { method: 'GET', ...init });
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

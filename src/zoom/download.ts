import type { Readable } from 'node:stream';
import { type Dispatcher, request } from 'undici';
import { classifyZoomError, ZoomApiError, zoomUnreachableError } from './errors.ts';

export type DownloadResponse = {
  body: Readable;
  /** Bytes in this response (after the range start), when Zoom said. */
  contentLength: number | undefined;
  contentType: string;
  /** True when the server honoured the `Range` request (206). */
  isPartial: boolean;
};

/** Zoom's own download hosts (docs/zoom-platform.md §2.4): zoom.us and its subdomains, zoomgov.com for government accounts. */
const zoomDownloadDomains = ['zoom.us', 'zoomgov.com'];

/**
 * True when a download URL is on one of Zoom's download hosts (over HTTPS), or on the host of one of
 * `zoomUrls` (the configured API and OAuth URLs: how the emulator is reached). Only such a URL may
 * receive a Zoom token: a webhook's `download_url` is data from outside.
 */
export function isZoomDownloadUrl(downloadUrl: string, zoomUrls: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(downloadUrl);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (zoomUrls.some((configured) => sameOrigin(url, configured))) return true;
  const hostname = url.hostname.toLowerCase();
  return (
    url.protocol === 'https:' &&
    zoomDownloadDomains.some((domain) => hostname === domain || hostname.endsWith(`.${domain}`))
  );
}

function sameOrigin(url: URL, configured: string): boolean {
  try {
    const other = new URL(configured);
    return other.protocol === url.protocol && other.host.toLowerCase() === url.host.toLowerCase();
  } catch {
    return false;
  }
}

/**
 * Starts downloading a recording file (docs/zoom-platform.md §2.4): the token goes in the Bearer header, Zoom answers 302
 * to a signed URL, which is followed *without* the Authorization header. A failure can come back as
 * 200 with an HTML page, so the content type is checked, not only the status.
 * Every token path goes through here: a URL that is not on a Zoom download host (see isZoomDownloadUrl)
 * is refused before any request, as `forbidden`, and never receives the token.
 */
export async function openRecordingDownload(
  downloadUrl: string,
  options: {
    token: string;
    /** The configured Zoom API and OAuth URLs: their hosts serve downloads too (the emulator). */
    zoomUrls: readonly string[];
    rangeStart?: number;
    idleTimeoutMs?: number;
    signal?: AbortSignal;
  },
): Promise<DownloadResponse> {
  const endpoint = 'GET /rec/download';
  if (!isZoomDownloadUrl(downloadUrl, options.zoomUrls)) {
    throw new ZoomApiError({
      kind: 'forbidden',
      status: 0,
      zoomCode: 'foreign_download_host',
      message: `refused to send the Zoom token to ${hostOf(downloadUrl)}, which is not a Zoom download host`,
      endpoint,
    });
  }
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

function hostOf(url: string): string {
  try {
    return new URL(url).host || 'an unknown host';
  } catch {
    return 'an invalid URL';
  }
}

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
    throw zoomUnreachableError(endpoint, cause, 'download connection failed');
  }
}

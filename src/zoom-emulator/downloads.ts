/**
 * Recording downloads (docs/zoom-platform.md §2.4): `/rec/download/{file}` and `/rec/webhook_download/{file}/{nonce}` take a
 * Bearer token (OAuth access token with a recording scope, `download_access_token`, or a webhook's
 * `download_token`) in the header or, on these URLs only, as `?access_token=`. Success is a 302 to a signed
 * URL; failure is Zoom's "200 with an HTML page". The signed URL serves the bytes with Range support.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { contentSize, openContentStream } from './media.ts';
import { checkAccessToken } from './oauth.ts';
import { bearerToken, requestInfo } from './request-info.ts';
import type { EmulatorContext, MeetingInstance, RecordingFileRecord } from './state.ts';

/** Lifetime of a signed URL (virtual time). Zoom's are short-lived; the exact value is not documented. */
export const signedUrlSeconds = 10 * 60;

const recordingScopes = [
  'recording:read',
  'recording:read:admin',
  'cloud_recording:read:list_recording_files',
  'cloud_recording:read:list_recording_files:admin',
  'cloud_recording:read:list_user_recordings',
  'cloud_recording:read:list_user_recordings:admin',
];

function findFile(
  ctx: EmulatorContext,
  key: string,
): { meeting: MeetingInstance; file: RecordingFileRecord } | null {
  for (const meeting of ctx.state.meetings.values()) {
    const file = meeting.recording?.files.find((f) => f.key === key);
    if (file) return { meeting, file };
  }
  return null;
}

/** Zoom answers failed downloads with HTTP 200 and an HTML page (docs/zoom-platform.md §2.4, §7): check the content type. */
function htmlFailure(reply: FastifyReply, message: string) {
  return reply
    .status(200)
    .type('text/html; charset=utf-8')
    .send(
      `<!DOCTYPE html><html><head><title>Error - Zoom</title></head><body><div class="error-message"><h2>${message}</h2></div></body></html>`,
    );
}

function sign(ctx: EmulatorContext, key: string, expires: number): string {
  return createHmac('sha256', ctx.urlSigningKey).update(`${key}:${expires}`).digest('base64url');
}

export function signedUrl(ctx: EmulatorContext, file: RecordingFileRecord): string {
  const expires = Math.floor(ctx.clock.now() / 1000) + signedUrlSeconds;
  const name = encodeURIComponent(file.fileName ?? `${file.key}.${file.fileExtension.toLowerCase()}`);
  return `${ctx.baseUrl()}/rec/signed/${file.key}/${name}?Expires=${expires}&Signature=${sign(ctx, file.key, expires)}`;
}

type AuthResult = { ok: true } | { ok: false; message: string };

function authorizeDownload(
  ctx: EmulatorContext,
  request: FastifyRequest,
  meeting: MeetingInstance,
): AuthResult {
  const info = requestInfo(request);
  const query = request.query as Record<string, string | undefined>;
  // Header first; the legacy `?access_token=` is accepted on download URLs only (docs/zoom-platform.md §2.4).
  const token = bearerToken(request) ?? query.access_token ?? null;
  info.accessToken = token;
  if (!token) return { ok: false, message: 'Only the host can download this recording. Please sign in.' };
  const download = ctx.state.downloadTokens.get(token);
  if (download) {
    info.tokenKind = 'download';
    if (download.meetingUuid !== meeting.uuid) return { ok: false, message: 'Forbidden' };
    if (download.expiresAt <= ctx.clock.now())
      return { ok: false, message: 'This download link has expired.' };
    return { ok: true };
  }
  const check = checkAccessToken(ctx, token);
  info.tokenKind = ctx.state.accessTokens.has(token) ? 'access' : 'unknown';
  if (!check.ok) return { ok: false, message: 'Only the host can download this recording. Please sign in.' };
  info.token = check.token;
  const granted = check.token.scopes.filter((scope) => recordingScopes.includes(scope));
  if (granted.length === 0) return { ok: false, message: 'Only the host can download this recording.' };
  const isAdmin = granted.some((scope) => scope.includes(':admin'));
  if (!isAdmin && check.token.userId !== meeting.hostId)
    return { ok: false, message: 'Only the host can download this recording.' };
  return { ok: true };
}

export function registerDownloadRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const handleDownload = async (request: FastifyRequest, reply: FastifyReply) => {
    await ctx.network.delay('download');
    const { fileKey } = request.params as { fileKey: string };
    const found = findFile(ctx, fileKey);
    if (!found?.meeting.recording) return htmlFailure(reply, 'This recording does not exist.');
    const { meeting, file } = found;
    const auth = authorizeDownload(ctx, request, meeting);
    if (!auth.ok) return htmlFailure(reply, auth.message);
    if (meeting.recording?.location !== 'active' || file.location !== undefined)
      return htmlFailure(reply, 'This recording does not exist.');
    if (meeting.recording.status !== 'completed')
      return htmlFailure(reply, 'This recording is still being processed.');
    return reply.redirect(signedUrl(ctx, file), 302);
  };
  app.get('/rec/download/:fileKey', handleDownload);
  app.get('/rec/webhook_download/:fileKey/:nonce', handleDownload);
  app.get('/rec/webhook_download/:fileKey', handleDownload);

  app.get('/rec/signed/:fileKey/:fileName', async (request, reply) => {
    // The file server's first byte comes late, and its bytes at one stream's pace (network profile).
    await ctx.network.delay('download');
    const { fileKey } = request.params as { fileKey: string };
    const query = request.query as Record<string, string | undefined>;
    const expires = Number(query.Expires);
    const expected = sign(ctx, fileKey, expires);
    const given = query.Signature ?? '';
    const valid =
      given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
    if (!valid || !(expires * 1000 > ctx.clock.now())) {
      return reply
        .status(403)
        .type('application/xml')
        .send(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired or the signature is invalid</Message></Error>',
        );
    }
    if (ctx.faults.signedUrlRejectsAuthorization() && request.headers.authorization) {
      requestInfo(request).fault = 'signed URL rejects Authorization';
      return reply
        .status(400)
        .type('application/xml')
        .send(
          '<?xml version="1.0" encoding="UTF-8"?><Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>',
        );
    }
    const found = findFile(ctx, fileKey);
    if (found?.meeting.recording?.location !== 'active' || found.file.location !== undefined)
      return reply.status(404).send();
    const { file } = found;
    const size = contentSize(file.content);
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = request.headers.range;
    if (range) {
      const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      if (match && (match[1] !== '' || match[2] !== '')) {
        if (match[1] === '') {
          start = Math.max(0, size - Number(match[2]));
        } else {
          start = Number(match[1]);
          end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
        }
        if (start >= size || start > end) {
          return reply.status(416).header('Content-Range', `bytes */${size}`).send();
        }
        status = 206;
      }
    }
    const headers: Record<string, string> = {
      'content-type': file.content.contentType,
      'content-length': String(end - start + 1),
      'accept-ranges': 'bytes',
      'content-disposition': `attachment; filename="${file.fileName ?? file.key}"`,
    };
    if (status === 206) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    const cut = ctx.faults.downloadCut();
    if (request.method === 'HEAD') {
      // Fastify would set Content-Length to the (empty) body's length: write the real one ourselves.
      reply.hijack();
      reply.raw.writeHead(status, {
        ...headers,
        'x-zm-trackingid': String(reply.getHeader('x-zm-trackingid') ?? ''),
      });
      reply.raw.end();
      return reply;
    }
    if (!cut)
      return reply
        .status(status)
        .headers(headers)
        .send(ctx.network.pace(openContentStream(file.content, start, end)));

    // Faults: reset the connection, or end it early, after `afterBytes` body bytes.
    requestInfo(request).fault = `${cut.mode} after ${cut.afterBytes} bytes`;
    reply.hijack();
    const raw = reply.raw;
    const { 'content-length': _length, ...unsized } = headers;
    raw.writeHead(status, {
      ...(cut.mode === 'truncate-chunked' ? unsized : headers),
      'x-zm-trackingid': String(reply.getHeader('x-zm-trackingid') ?? ''),
    });
    const limit = Math.min(cut.afterBytes, end - start + 1);
    const stream = openContentStream(file.content, start, start + limit - 1);
    for await (const chunk of stream) {
      if (!raw.write(chunk)) await new Promise((resolve) => raw.once('drain', resolve));
    }
    const socket = raw.socket;
    if (cut.mode === 'reset') {
      // A TCP reset mid-download.
      socket?.resetAndDestroy();
    } else if (cut.mode === 'truncate-chunked') {
      // A complete chunked response of the first bytes only.
      raw.end();
    } else {
      // The body ends before Content-Length: a clean close, but a truncated file.
      socket?.end();
    }
    return reply;
  });

  // play_url and share_url: a page that plays the file in a browser (the sandbox's "watch in Zoom").
  const player = async (request: FastifyRequest, reply: FastifyReply) => {
    const { key } = request.params as { key: string };
    let file = findFile(ctx, key)?.file;
    if (!file) {
      const meeting = [...ctx.state.meetings.values()].find((m) => m.recording?.shareKey === key);
      file = meeting?.recording?.files.find((f) => f.fileType === 'MP4');
    }
    if (!file) return htmlFailure(reply, 'This recording does not exist.');
    const url = signedUrl(ctx, file);
    const tag = file.fileType === 'M4A' ? 'audio' : 'video';
    return reply
      .type('text/html; charset=utf-8')
      .send(
        `<!DOCTYPE html><html><head><title>Zoom emulator recording</title></head><body><${tag} controls src="${url}"></${tag}></body></html>`,
      );
  };
  app.get('/rec/play/:key', player);
  app.get('/rec/share/:key', player);
}

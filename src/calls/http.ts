import type { FastifyReply } from 'fastify';
import rangeParser from 'range-parser';
import { z } from 'zod';
import {
  callListQuerySchema,
  callTranscriptSearchQuerySchema,
  createCommentSchema,
  createHighlightSchema,
  createShareSchema,
  sharingSettingsSchema,
} from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import type { App } from '../server/app.ts';
import { parseInput } from '../server/request.ts';
import { signedInRoutes } from '../server/routes.ts';
import type { Principal } from '../server/types.ts';
import type { BlobStore } from '../storage/index.ts';
import { addComment } from './add-comment.ts';
import { addHighlight } from './add-highlight.ts';
import { findVisibleCall, getCall } from './get-call.ts';
import { findOpenShare, findSharedHighlightClip, openSharedCall } from './open-shared-call.ts';
import {
  findHighlight,
  findMatchingLines,
  findSharingSettings,
  listCallFiles,
  listColleagues,
} from './queries.ts';
import { searchCalls } from './search-calls.ts';
import { listCallShares, revokeShare, shareCall } from './share-call.ts';
import { setSharingSettings } from './sharing-settings.ts';

const contentTypes: Record<string, string> = {
  MP4: 'video/mp4',
  M4A: 'audio/mp4',
  TRANSCRIPT: 'text/vtt; charset=utf-8',
  CHAT: 'text/plain; charset=utf-8',
  TIMELINE: 'application/json',
};
const idParams = z.object({ id: z.uuid() });
const mediaParams = z.object({ id: z.uuid(), fileId: z.uuid() });
const shareParams = z.object({ id: z.uuid(), shareId: z.uuid() });
const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });
const sharedMediaParams = tokenParams.extend({ fileId: z.uuid() });

export function registerCallsRoutes(options: { db: Db; store: BlobStore }) {
  const { db, store } = options;
  return (app: App) => {
    const signedIn = signedInRoutes(app, 'user');
    const admin = signedInRoutes(app, 'admin');
    /** A POST that adds to a call the caller can see (a highlight, a comment, a share): 201 with what it made. */
    function addToVisibleCall<Schema extends z.ZodType>(
      url: string,
      schema: Schema,
      add: (principal: Principal, callId: string, input: z.infer<Schema>) => Promise<unknown>,
    ) {
      signedIn.post(url, async (principal, request, reply) => {
        const { id } = parseInput(idParams, request.params);
        await findVisibleCall(db, principal, id);
        return reply.status(201).send(await add(principal, id, parseInput(schema, request.body)));
      });
    }

    signedIn.get('/api/calls', async (principal, request) =>
      searchCalls(db, principal, parseInput(callListQuerySchema, request.query)),
    );

    signedIn.get('/api/calls/:id', async (principal, request) =>
      getCall(db, principal, parseInput(idParams, request.params).id),
    );

    signedIn.get('/api/calls/:id/transcript/search', async (principal, request) => {
      const { id } = parseInput(idParams, request.params);
      await findVisibleCall(db, principal, id);
      const { q } = parseInput(callTranscriptSearchQuerySchema, request.query);
      return { lines: await findMatchingLines(db, id, q) };
    });

    // Media through the API: ranged, authorised, and never a storage path or credential in the browser.
    signedIn.get('/api/calls/:id/media/:fileId', async (principal, request, reply) => {
      const { id, fileId } = parseInput(mediaParams, request.params);
      const found = await findVisibleCall(db, principal, id);
      const file = (await listCallFiles(db, found.call.recordingId)).find(
        (candidate) => candidate.id === fileId,
      );
      return sendMedia(store, file, request.headers.range, reply, 'private');
    });

    addToVisibleCall('/api/calls/:id/highlights', createHighlightSchema, (principal, id, input) =>
      addHighlight(db, principal, id, input),
    );

    addToVisibleCall('/api/calls/:id/comments', createCommentSchema, (principal, id, input) =>
      addComment(db, principal, id, input),
    );

    signedIn.get('/api/calls/:id/shares', async (principal, request) => ({
      shares: await listCallShares(db, principal, parseInput(idParams, request.params).id),
    }));

    addToVisibleCall('/api/calls/:id/shares', createShareSchema, (principal, id, input) =>
      shareCall(db, principal, id, input, new Date()),
    );

    signedIn.delete('/api/calls/:id/shares/:shareId', async (principal, request, reply) => {
      const { id, shareId } = parseInput(shareParams, request.params);
      await revokeShare(db, principal, id, shareId, new Date());
      return reply.status(204).send();
    });

    signedIn.get('/api/colleagues', async (principal) => ({
      colleagues: await listColleagues(db, principal.organizationId),
    }));

    admin.get('/api/settings/sharing', async (principal) =>
      findSharingSettings(db, principal.organizationId),
    );

    admin.put('/api/settings/sharing', async (principal, request) => {
      const input = parseInput(sharingSettingsSchema, request.body);
      await setSharingSettings(db, principal, input);
      return input;
    });

    // A public link: no sign-in, that call's (or highlight's) transcript and media only.
    app.get('/api/shared/:token', { config: { access: 'public' } }, async (request) =>
      openSharedCall(db, store, parseInput(tokenParams, request.params).token, new Date()),
    );

    app.get('/api/shared/:token/media/:fileId', { config: { access: 'public' } }, async (request, reply) => {
      const { token, fileId } = parseInput(sharedMediaParams, request.params);
      const { share, call } = await findOpenShare(db, token, new Date());
      const files = await listCallFiles(db, call.recordingId);
      if (share.highlightId) {
        // A highlight's link streams the highlight's clip: no byte of the call outside its range.
        const highlight = await findHighlight(db, call.id, share.highlightId);
        const file = files.find((candidate) => candidate.id === fileId);
        const clip = highlight && file ? await findSharedHighlightClip(store, call, highlight, file) : null;
        const clipFile = clip && {
          storageKey: clip.storageKey,
          storedSize: clip.size,
          fileType: clip.hasVideo ? 'MP4' : 'M4A',
        };
        return sendMedia(store, clipFile ?? undefined, request.headers.range, reply, 'no-store');
      }
      const file = files.find(
        (candidate) => candidate.id === fileId && ['MP4', 'M4A', 'TRANSCRIPT'].includes(candidate.fileType),
      );
      return sendMedia(store, file, request.headers.range, reply, 'no-store');
    });
  };
}

/**
 * One byte range of the file (range-parser, as Express and `send` use it), `invalid` for anything else:
 * malformed, unsatisfiable, another unit, or several ranges (no multipart answers here).
 */
async function sendMedia(
  store: BlobStore,
  file: { storageKey: string | null; storedSize: number | null; fileType: string } | undefined,
  rangeHeader: string | undefined,
  reply: FastifyReply,
  cache: 'private' | 'no-store',
) {
  if (!file?.storageKey || file.storedSize === null)
    throw new AppError('not_found', 'No such media.', { reason: 'media_not_found' });
  const size = file.storedSize;
  reply
    .header('accept-ranges', 'bytes')
    .header('content-type', contentTypes[file.fileType] ?? 'application/octet-stream');
  reply.header('cache-control', cache === 'private' ? 'private, max-age=3600' : 'no-store');
  const range = parseRange(rangeHeader, size);
  if (range === 'invalid') {
    reply.header('content-range', `bytes */${size}`);
    throw new AppError(
      'range_not_satisfiable',
      `The requested range cannot be served: ask for one byte range within 0-${Math.max(0, size - 1)}.`,
    );
  }
  if (range) {
    reply.status(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`);
    reply.header('content-length', String(range.end - range.start + 1));
    return reply.send(await store.get(file.storageKey, range));
  }
  reply.header('content-length', String(size));
  return reply.send(await store.get(file.storageKey));
}

/**
 * One byte range of the file (range-parser, as Express and `send` use it), `invalid` for anything else:
 * malformed, unsatisfiable, another unit, or several ranges (no multipart answers here).
 */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const ranges = rangeParser(size, header);
  if (ranges === -1 || ranges === -2 || ranges.type !== 'bytes' || ranges.length !== 1) return 'invalid';
  return { start: ranges[0]!.start, end: ranges[0]!.end };
}

import type { CallList, CallListQuery, MarkedText } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import type { Principal } from '../server/types.ts';
import { visibleCalls } from './access.ts';
import { findSearchMatches, listCalls, matchStart, matchStop } from './queries.ts';

const matchesPerCall = 3;

/**
 * Appels: the calls a person may see, filtered and sorted, one keyset page at a time; with `q`, the
 * calls where the words are said (transcript), written (chat), in the topic or a participant's name,
 * each with its first matching lines marked.
 */
export async function searchCalls(db: Db, principal: Principal, query: CallListQuery): Promise<CallList> {
  const isByDate = query.sort === 'newest' || query.sort === 'oldest';
  const after = query.cursor ? decodeCursor(query.cursor, isByDate) : undefined;
  const { rows, hasMore, total, isTotalCapped } = await listCalls(db, {
    organizationId: principal.organizationId,
    visibility: visibleCalls(principal),
    hostUserId: query.userId,
    q: query.q || undefined,
    participants: query.participants,
    from: query.from,
    to: query.to,
    minMinutes: query.minMinutes,
    maxMinutes: query.maxMinutes,
    hasTranscript: query.hasTranscript === undefined ? undefined : query.hasTranscript === 'true',
    sort: query.sort,
    after,
    limit: query.limit,
  });
  const matches = query.q
    ? await findSearchMatches(
        db,
        rows.map((row) => row.call.id),
        query.q,
        matchesPerCall,
      )
    : undefined;
  const last = rows.at(-1);
  return {
    total,
    isTotalCapped,
    nextCursor:
      hasMore && last
        ? encodeCursor(isByDate ? last.call.startedAt.toISOString() : last.call.durationSeconds, last.call.id)
        : null,
    calls: rows.map(({ call, hostName, hasTranscript }) => ({
      id: call.id,
      topic: call.topic,
      startedAt: call.startedAt.toISOString(),
      durationSeconds: call.durationSeconds,
      language: call.language,
      host: call.hostUserId ? { id: call.hostUserId, name: hostName ?? '' } : null,
      participants: call.participants,
      hasTranscript: Boolean(hasTranscript),
      ...(matches
        ? {
            search: searchPartOf(matches, call),
          }
        : {}),
    })),
  };
}

type SearchMatches = Awaited<ReturnType<typeof findSearchMatches>>;

/** One call's part of a search: its topic marked, how many places match, and the first of them. */
function searchPartOf(matches: SearchMatches, call: { id: string; topic: string }) {
  const ofCall = <Row extends { callId: string }>(rows: Row[]) =>
    rows.filter((row) => row.callId === call.id);
  const lines = ofCall(matches.lines);
  const messages = ofCall(matches.messages);
  const notes = ofCall(matches.notes);
  return {
    topic: parseMarked(ofCall(matches.topics)[0]?.marked ?? call.topic),
    matchCount: (lines[0]?.total ?? 0) + messages.length + notes.length,
    matches: [
      ...lines.map((line) => ({
        kind: 'transcript' as const,
        atMs: line.startMs,
        speaker: line.speaker,
        text: parseMarked(line.marked),
      })),
      ...messages.slice(0, matchesPerCall).map((message) => ({
        kind: 'chat' as const,
        atMs: chatTimeMs(message.at),
        speaker: message.sender,
        text: parseMarked(message.marked),
      })),
      ...notes.slice(0, matchesPerCall).map((note) => ({
        kind: note.kind,
        atMs: Number(note.atMs),
        speaker: note.speaker,
        text: parseMarked(note.marked),
      })),
    ],
  };
}

/** `ts_headline` output → parts, the matched words flagged. */
function parseMarked(marked: string): MarkedText {
  const parts: MarkedText = [];
  for (const [index, piece] of marked.split(new RegExp(`[${matchStart}${matchStop}]`)).entries()) {
    if (piece) parts.push({ text: piece, isMatch: index % 2 === 1 });
  }
  return parts;
}

/** Zoom's chat file stamps messages with the time since the recording started, `HH:MM:SS`. */
function chatTimeMs(at: string): number {
  const [hours = 0, minutes = 0, seconds = 0] = at.split(':').map(Number);
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

function encodeCursor(value: string | number, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

function decodeCursor(cursor: string, isByDate: boolean): { value: string | number; id: string } {
  try {
    const [value, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    const isValidValue = isByDate
      ? typeof value === 'string' && !Number.isNaN(Date.parse(value))
      : Number.isInteger(value);
    if (
      isValidValue &&
      typeof id === 'string' &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ) {
      return { value: value as string | number, id };
    }
  } catch {
    // Falls through to the refusal below.
  }
  throw new AppError('validation_failed', 'Invalid cursor: start again from the first page.', {
    details: { fields: [{ field: 'cursor', message: 'invalid' }] },
    reason: 'invalid_cursor',
  });
}

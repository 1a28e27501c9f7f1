import { insertAuditEntryBy } from '../accounts/index.ts';
import type { CallDetail, Comment, Highlight } from '../contract/index.ts';
import { internalDomainsOf } from '../coverage/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import type { Principal } from '../server/types.ts';
import { visibleCalls } from './access.ts';
import {
  findCall,
  findCallRecording,
  findInternalNames,
  findParticipantEmails,
  findSharingSettings,
  listCallFiles,
  listComments,
  listHighlights,
  listTranscript,
} from './queries.ts';
import { measureTalkTime } from './talk-time.ts';
import { whyNoTranscript } from './why-no-transcript.ts';

const kinds: Record<string, CallDetail['media'][number]['kind']> = {
  MP4: 'video',
  M4A: 'audio',
  TRANSCRIPT: 'transcript',
  CHAT: 'chat',
  TIMELINE: 'timeline',
};

/** A call the asker may see, or `not_found` (never "forbidden": a call of another's is not revealed). */
export async function findVisibleCall(db: Db, principal: Principal, callId: string) {
  const found = await findCall(db, principal.organizationId, callId, visibleCalls(principal));
  if (!found) throw new AppError('not_found', 'No such call.', { reason: 'call_not_found' });
  return found;
}

/** The call page: media, transcript, chat, people, talk-time. */
export async function getCall(db: Db, principal: Principal, callId: string): Promise<CallDetail> {
  const found = await findVisibleCall(db, principal, callId);
  const { call } = found;
  const [files, transcript, internal, zoomEmails, domains, recording, highlights, comments, sharing] =
    await Promise.all([
      listCallFiles(db, call.recordingId),
      listTranscript(db, callId),
      findInternalNames(db, principal.organizationId),
      findParticipantEmails(db, call.recordingId),
      internalDomainsOf(db, principal.organizationId),
      findCallRecording(db, call.recordingId),
      listHighlights(db, callId),
      listComments(db, callId),
      findSharingSettings(db, principal.organizationId),
    ]);
  if (call.hostUserId !== principal.userId && principal.role !== 'admin') {
    // Someone else's call, opened through a share or a team: the host's organisation can see who looked.
    await insertAuditEntryBy(db, principal, {
      action: 'call.viewed',
      target: callId,
      details: { role: principal.role },
    });
  }
  return {
    id: callId,
    topic: call.topic,
    startedAt: call.startedAt.toISOString(),
    durationSeconds: call.durationSeconds,
    language: call.language,
    host: call.hostUserId ? { id: call.hostUserId, name: found.hostName ?? '' } : null,
    participants: call.participants,
    // By e-mail domain where Zoom gave the person's e-mail (members of the host's Zoom account only),
    // by name otherwise: transcripts and chat name people, they carry no e-mail.
    people: call.participants.map((name) => {
      const email = zoomEmails.get(name.trim().toLowerCase());
      return email
        ? { name, isInternal: domains.includes(email.split('@')[1] ?? ''), decidedBy: 'email' as const }
        : { name, isInternal: internal.has(name.trim().toLowerCase()), decidedBy: 'name' as const };
    }),
    hasTranscript: transcript.length > 0,
    transcriptMissing:
      transcript.length > 0 || !recording ? null : await whyNoTranscript(db, recording, call, files),
    media: files
      .filter((file) => file.storageKey)
      .map((file) => ({
        fileId: file.id,
        kind: kinds[file.fileType] ?? 'timeline',
        size: file.storedSize ?? 0,
        recordingType: file.recordingType,
        segmentStart: file.recordingStart?.toISOString() ?? null,
        url: `/api/calls/${callId}/media/${file.id}`,
      })),
    transcript: transcript.map(({ speaker, startMs, endMs, text }) => ({ speaker, startMs, endMs, text })),
    chat: call.chat,
    highlights: highlights.map(({ highlight, author }) => toHighlight(highlight, author)),
    comments: comments.map(({ comment, author }) => toComment(comment, author)),
    canSharePublicly: sharing.allowPublicLinks,
    zoomSummary: call.zoomSummary
      ? { content: '', isEdited: false, docUrl: null, ...call.zoomSummary }
      : null,
    ...measureTalkTime(transcript),
  };
}

export function toHighlight(
  row: { id: string; title: string; startMs: number; endMs: number; createdAt: Date },
  author: string | null,
): Highlight {
  return {
    id: row.id,
    title: row.title,
    startMs: row.startMs,
    endMs: row.endMs,
    author,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toComment(
  row: { id: string; atMs: number; body: string; createdAt: Date },
  author: string | null,
): Comment {
  return { id: row.id, atMs: row.atMs, body: row.body, author, createdAt: row.createdAt.toISOString() };
}

import { eq } from 'drizzle-orm';
import { findUserByEmail } from '../accounts/index.ts';
import type { ConnectionRow } from '../connections/index.ts';
import type { Diagnosis } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';
import { normalizeEmail } from '../lib/email.ts';
import { decodeMessage } from '../lib/messages.ts';
import { findLinkByZoomUser } from '../user-mapping/index.ts';
import { decideZoomFailure, type ZoomClient } from '../zoom/index.ts';
import type { ImportFeature } from './feature.ts';
import { findRecordingByUuid, findRecordingsByMeetingId, type RecordingRow } from './queries.ts';

/** A meeting id (spaces allowed), a Zoom join link (`/j/<id>`), or an instance UUID. */
function parseMeetingReference(input: string): { meetingId: number } | { uuid: string } | undefined {
  const link = /\/j\/(\d{9,12})/.exec(input);
  if (link) return { meetingId: Number(link[1]) };
  const digits = input.replace(/[\s-]/g, '');
  if (/^\d{9,12}$/.test(digits)) return { meetingId: Number(digits) };
  if (/^[A-Za-z0-9+/=]{16,40}$/.test(input.trim())) return { uuid: input.trim() };
  return undefined;
}

/** Who asks: an admin may ask about any meeting of the organisation, a member only about their own. */
export type DiagnosisAsker = { userId: string; email: string; role: string };

// A member asking about someone else's meeting gets the answer an unknown meeting gets: nothing about
// another person's meetings (not even that they exist) comes back.
const notYours = (meetingId: number | null): Diagnosis => ({
  verdict: 'not_found',
  meetingId,
  callId: null,
  detail: { code: 'diagnosis_not_yours' },
});

/**
 * "Tester votre premier appel": why a meeting is, or is not, in the library. Known recordings answer
 * from their status; unknown ones are looked up at Zoom (and queued for import when they should be).
 */
export async function diagnoseMeeting(
  deps: { db: Db; client: ZoomClient; importer: ImportFeature },
  connection: ConnectionRow,
  input: string,
  asker: DiagnosisAsker,
): Promise<Diagnosis> {
  const isHostedByAsker = async (host: { zoomUserId: string; email: string | null | undefined }) => {
    if (asker.role === 'admin') return true;
    if (host.email && normalizeEmail(host.email) === normalizeEmail(asker.email)) return true;
    const link = await findLinkByZoomUser(deps.db, connection.id, { zoomUserId: host.zoomUserId });
    return link?.userId === asker.userId;
  };
  const reference = parseMeetingReference(input);
  if (!reference) {
    return {
      verdict: 'not_found',
      meetingId: null,
      callId: null,
      detail: { code: 'diagnosis_bad_reference' },
    };
  }
  const known =
    'uuid' in reference
      ? [await findRecordingByUuid(deps.db, connection.id, reference.uuid)].filter(
          (row): row is RecordingRow => Boolean(row),
        )
      : await findRecordingsByMeetingId(deps.db, connection.id, reference.meetingId);
  const latest = known.at(-1);
  if (latest) {
    if (!(await isHostedByAsker({ zoomUserId: latest.hostZoomId, email: latest.hostEmail })))
      return notYours(null);
    return fromStatus(deps.db, latest);
  }

  const meetingId = 'meetingId' in reference ? reference.meetingId : null;
  let meeting: Awaited<ReturnType<ZoomClient['getMeetingRecordings']>>;
  try {
    meeting = await deps.client.getMeetingRecordings(
      'uuid' in reference ? reference.uuid : String(reference.meetingId),
    );
  } catch (error) {
    const decision = decideZoomFailure(error);
    if (decision.action === 'fail' && decision.kind === 'not_found') {
      if (asker.role !== 'admin') return notYours(null);
      return {
        verdict: 'not_recorded_in_cloud',
        meetingId,
        callId: null,
        detail: { code: 'diagnosis_not_recorded_in_cloud' },
      };
    }
    throw error;
  }
  if (!(await isHostedByAsker({ zoomUserId: meeting.host_id, email: meeting.host_email })))
    return notYours(null);
  const host = await findLinkByZoomUser(deps.db, connection.id, { zoomUserId: meeting.host_id });
  if (!host) {
    const hostName = meeting.host_email ?? meeting.host_id;
    // No Callport user has the host's e-mail: linking cannot help until one exists, so say so.
    const hasUser = meeting.host_email ? Boolean(await findUserByEmail(deps.db, meeting.host_email)) : true;
    return {
      verdict: 'host_not_linked',
      meetingId: meeting.id,
      callId: null,
      detail: {
        code: hasUser ? 'diagnosis_host_not_linked' : 'diagnosis_host_unknown',
        params: { host: hostName },
      },
      hostEmail: hasUser ? null : (meeting.host_email ?? null),
    };
  }
  if (!host.isLicensed) {
    return {
      verdict: 'host_not_licensed',
      meetingId: meeting.id,
      callId: null,
      detail: { code: 'diagnosis_host_not_licensed', params: { name: host.name } },
    };
  }
  await deps.importer.discover(connection, meeting, 'manual');
  return {
    verdict: 'importing',
    meetingId: meeting.id,
    callId: null,
    detail: { code: 'diagnosis_queued_now' },
  };
}

/** A host with no Callport user at all: linking cannot help, the admin is offered to create the user. */
async function skippedNotLinked(db: Db, recording: RecordingRow): Promise<Diagnosis> {
  const base = { meetingId: recording.meetingId, callId: null, verdict: 'host_not_linked' as const };
  if (recording.hostEmail && !(await findUserByEmail(db, recording.hostEmail))) {
    return {
      ...base,
      detail: { code: 'diagnosis_host_unknown', params: { host: recording.hostEmail } },
      hostEmail: recording.hostEmail,
    };
  }
  return { ...base, detail: { code: 'diagnosis_skipped_not_linked' } };
}

async function fromStatus(db: Db, recording: RecordingRow): Promise<Diagnosis> {
  const base = { meetingId: recording.meetingId, callId: null as string | null };
  const reason = decodeMessage(recording.statusReason);
  switch (recording.status) {
    case 'imported': {
      const [call] = await db
        .select({ id: schema.calls.id })
        .from(schema.calls)
        .where(eq(schema.calls.recordingId, recording.id));
      return {
        ...base,
        verdict: 'imported',
        callId: call?.id ?? null,
        detail: { code: 'diagnosis_imported' },
      };
    }
    case 'skipped':
      return recording.statusReason === 'host_not_licensed'
        ? {
            ...base,
            verdict: 'host_not_licensed',
            detail: { code: 'diagnosis_skipped_not_licensed' },
          }
        : await skippedNotLinked(db, recording);
    case 'waiting':
      return reason?.code === 'retrying'
        ? {
            ...base,
            verdict: 'failed_retrying',
            detail: { code: 'diagnosis_retrying', params: reason.params },
          }
        : {
            ...base,
            verdict: 'processing',
            detail:
              reason?.code === 'zoom_processing_files' || reason?.code === 'no_media_yet'
                ? reason
                : { code: 'diagnosis_processing' },
          };
    // Gone from Zoom or from Callport: the status is the verdict, and names its explanation.
    case 'trashed':
    case 'deleted':
    case 'erased':
      return { ...base, verdict: recording.status, detail: { code: `diagnosis_${recording.status}` } };
    case 'failed':
      return {
        ...base,
        verdict: 'failed',
        detail: {
          code: 'diagnosis_failed',
          params: { error: reason?.params?.error ?? reason?.params?.text ?? '' },
        },
      };
    default:
      return { ...base, verdict: 'importing', detail: { code: 'diagnosis_importing' } };
  }
}

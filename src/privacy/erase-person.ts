import { createHash } from 'node:crypto';
import { insertAuditEntry } from '../accounts/index.ts';
import type { ErasePersonRequest, ErasePersonResult } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import {
  eraseRecording,
  findCallsMentioning,
  rememberErasedNames,
  removePersonFromCall,
} from '../import/index.ts';
import { normalizeEmail } from '../lib/email.ts';
import { AppError } from '../lib/errors.ts';
import { encodeMessage } from '../lib/messages.ts';
import type { BlobStore } from '../storage/index.ts';
import {
  deletePersonMappings,
  deleteUser,
  findPersonByEmail,
  listHostedRecordings,
  scrubAuditEntries,
} from './queries.ts';

/**
 * Erases everything Callport holds about one person of an organisation (a right-to-erasure request):
 * the calls they hosted (media, transcript, chat: the whole call), their transcript lines and chat
 * messages in other calls (in the stored Zoom files too), their user links, their Zoom directory
 * entry, their Callport account and the details of earlier audit entries about them. Their names are
 * remembered as hashes, so a transcript or chat Zoom finishes later is imported without them. One
 * audit entry records the erasure with a hash of the e-mail, never the e-mail itself.
 */
export async function erasePerson(
  deps: { db: Db; store: BlobStore },
  options: { organizationId: string; actorUserId: string; request: Required<ErasePersonRequest> },
): Promise<ErasePersonResult> {
  const { db } = deps;
  const { organizationId, actorUserId } = options;
  const email = normalizeEmail(options.request.email);
  const person = await findPersonByEmail(db, organizationId, email);
  if (person.user?.id === actorUserId) {
    throw new AppError('conflict', 'You cannot erase your own account: ask another admin to do it.', {
      reason: 'cannot_erase_self',
    });
  }
  const names = [
    ...new Set(
      [person.user?.name, ...person.zoomRows.map((row) => row.displayName), ...options.request.otherNames]
        .map((name) => name?.trim() ?? '')
        .filter(Boolean),
    ),
  ];

  // First, so an import running meanwhile already leaves them out.
  await rememberErasedNames(db, organizationId, names);
  const hosted = await listHostedRecordings(db, organizationId, {
    email,
    zoomUserIds: person.zoomUserIds,
    userId: person.user?.id,
  });
  let callsErased = 0;
  for (const recordingId of hosted) {
    if ((await eraseRecording(deps, recordingId, encodeMessage('erased_on_request')))?.hadCall) callsErased++;
  }

  let transcriptLinesRemoved = 0;
  let chatMessagesRemoved = 0;
  const mentioned = await findCallsMentioning(db, organizationId, names);
  for (const callId of mentioned) {
    const removed = await removePersonFromCall(deps, callId, names);
    transcriptLinesRemoved += removed.transcriptLines;
    chatMessagesRemoved += removed.chatMessages;
  }

  const mappings = await deletePersonMappings(db, {
    email,
    connectionIds: person.connectionIds,
    zoomUserIds: person.zoomUserIds,
    userId: person.user?.id,
  });
  await scrubAuditEntries(db, organizationId, { email, userId: person.user?.id });
  if (person.user) await deleteUser(db, person.user.id);

  const result: ErasePersonResult = {
    namesMatched: names,
    callsErased,
    recordingsErased: hosted.length,
    callsRedacted: mentioned.length,
    transcriptLinesRemoved,
    chatMessagesRemoved,
    ...mappings,
    accountDeleted: Boolean(person.user),
  };
  await insertAuditEntry(db, {
    organizationId,
    actorUserId,
    action: 'privacy.person_erased',
    target: null,
    details: {
      emailSha256: createHash('sha256').update(email).digest('hex'),
      callsErased,
      recordingsErased: hosted.length,
      callsRedacted: result.callsRedacted,
      transcriptLinesRemoved,
      chatMessagesRemoved,
      linksRemoved: result.linksRemoved,
      accountDeleted: result.accountDeleted,
    },
  });
  return result;
}

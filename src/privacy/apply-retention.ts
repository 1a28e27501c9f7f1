import { insertAuditEntry } from '../accounts/index.ts';
import type { Db } from '../db/index.ts';
import { eraseRecording } from '../import/index.ts';
import { encodeMessage } from '../lib/messages.ts';
import type { BlobStore } from '../storage/index.ts';
import { listRecordingsStartedBefore } from './queries.ts';

const batchSize = 200;

/**
 * The retention setting: erases the organisation's calls (and recordings not imported) that started
 * more than `retentionDays` days before `now`. Erased recordings stay as tombstones, so a sweep or a
 * backfill never imports them again. Returns how many were erased.
 */
export async function applyRetention(
  deps: { db: Db; store: BlobStore },
  options: { organizationId: string; retentionDays: number; now: Date },
): Promise<number> {
  const cutoff = new Date(options.now.getTime() - options.retentionDays * 86_400_000);
  const reason = encodeMessage('erased_by_retention', { days: options.retentionDays });
  let erased = 0;
  for (;;) {
    const batch = await listRecordingsStartedBefore(deps.db, options.organizationId, cutoff, batchSize);
    for (const recordingId of batch) {
      if (await eraseRecording(deps, recordingId, reason)) erased++;
    }
    if (batch.length < batchSize) break;
  }
  if (erased > 0) {
    await insertAuditEntry(deps.db, {
      organizationId: options.organizationId,
      actorUserId: null,
      action: 'privacy.retention_applied',
      target: null,
      details: { erased, retentionDays: options.retentionDays, startedBefore: cutoff.toISOString() },
    });
  }
  return erased;
}

import { insertAuditEntry } from '../accounts/index.ts';
import type { Config } from '../config.ts';
import {
  type ConnectionRow,
  type ConnectionsFeature,
  findConnection,
  listActiveConnections,
} from '../connections/index.ts';
import type { Db } from '../db/index.ts';
import type { JobQueue } from '../jobs/index.ts';
import { normalizeEmail } from '../lib/email.ts';
import type { Logger } from '../lib/logger.ts';
import { encodeMessage } from '../lib/messages.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { SecretBox } from '../lib/secret-box.ts';
import type { BlobStore } from '../storage/index.ts';
import type { UserMappingFeature } from '../user-mapping/index.ts';
import {
  decideZoomFailure,
  describeZodError,
  type ZoomRecordingMeeting,
  zoomRecordingMeetingSchema,
} from '../zoom/index.ts';
import { discoverRecording, priorityFor } from './discover-recording.ts';
import { eraseRecording } from './erase-recording.ts';
import { importRecording } from './import-recording.ts';
import { importRecordingJob, sweepConnectionJob, sweepDispatchJob } from './jobs.ts';
import {
  findRecordingByUuid,
  findSweep,
  hasUnsweptLinkedUser,
  listOrphanedRecordings,
  listUnerasedRecordings,
  reopenSkippedNowImportable,
  setRecordingStatus,
} from './queries.ts';
import { sweepConnection } from './sweep-connection.ts';

export type ImportFeatureDeps = {
  db: Db;
  box: SecretBox;
  queue: JobQueue;
  logger: Logger;
  config: Config;
  connections: ConnectionsFeature;
  store: BlobStore;
  metrics?: Metrics;
  /** Links saved: the new users' backfill starts at once (the dispatcher would find it within a minute). */
  userMapping?: UserMappingFeature;
};

/**
 * Import: discovery by webhook (fast path) and by sweep (safety net), then one idempotent import job
 * per meeting instance UUID.
 */
export class ImportFeature {
  constructor(readonly deps: ImportFeatureDeps) {
    const { queue, connections, db, config, logger } = deps;
    const importDeps = {
      db,
      box: deps.box,
      store: deps.store,
      access: connections.access,
      logger,
      metrics: deps.metrics,
    };

    queue.register(
      { ...importRecordingJob, concurrency: config.WORKER_CONCURRENCY },
      async ({ recordingId, listedAt }, job) => {
        let result: Awaited<ReturnType<typeof importRecording>>;
        try {
          // A retry asks Zoom again: the listing may be what made the first run fail.
          result = await importRecording(importDeps, recordingId, job.id, {
            listedAt: job.retryCount === 0 ? listedAt : undefined,
          });
        } catch (error) {
          const decision = decideZoomFailure(error);
          if (decision.action === 'fail') {
            // An alert for the operator: a refused download host means a forged or tampered file list.
            logger.warn({ recordingId, err: error }, 'recording import failed and will not be retried');
            // Not caught: a status that could not be written fails the run, which pg-boss runs again.
            await setRecordingStatus(
              db,
              recordingId,
              'failed',
              encodeMessage('import_failed', {
                error: error instanceof Error ? error.message : String(error),
              }),
            );
            deps.metrics?.imports.inc({ outcome: 'failed' });
            return;
          }
          deps.metrics?.imports.inc({ outcome: 'retry' });
          // Zoom said when to ask again, later than the job's own retry (a daily limit): wait for it.
          const laterSeconds =
            decision.action === 'retry' && decision.afterMs !== undefined && decision.afterMs > 60_000
              ? Math.ceil(decision.afterMs / 1000)
              : undefined;
          await setRecordingStatus(
            db,
            recordingId,
            'waiting',
            encodeMessage('retrying', { error: error instanceof Error ? error.message : String(error) }),
          ).catch((statusError: unknown) =>
            logger.error(
              { recordingId, err: statusError },
              'could not record that the import will be retried',
            ),
          );
          if (laterSeconds !== undefined) {
            await this.enqueueImport(recordingId, null, laterSeconds);
            return;
          }
          throw error;
        }
        deps.metrics?.imports.inc({ outcome: result.outcome });
        if (result.outcome === 'retry') {
          await this.enqueueImport(recordingId, null, result.afterSeconds);
        } else if (result.outcome === 'busy') {
          // Another job holds the recording: look again after its lease, so nothing is lost if it died.
          await this.enqueueImport(recordingId, null, 60);
        }
      },
    );

    queue.register(
      { ...sweepConnectionJob, concurrency: config.SWEEP_CONCURRENCY },
      async ({ connectionId, since, userEmail, onlyNew, after }, job) => {
        const connection = await findConnection(db, connectionId);
        if (connection?.status !== 'connected') return;
        if (after !== undefined && job.retryCount === 0) {
          // A scheduled sweep follows the full sweep that started at `after`. Another one started since
          // ("Importer maintenant", a reconnect, or a duplicate of this schedule): this one is not due
          // any more; the next one follows the newer start instead. (A retry is this sweep failing:
          // its own first run wrote the newer start.)
          const lastStartedAt = (await findSweep(db, connectionId))?.lastStartedAt?.getTime() ?? 0;
          if (lastStartedAt > after) {
            await this.scheduleSweep(connectionId, lastStartedAt);
            return;
          }
        }
        const result = await sweepConnection(
          { db, client: connections.access.clientFor(connection) },
          connection,
          { since, userEmail, onlyNew, backfillDays: config.BACKFILL_DAYS },
          (meeting) => this.discover(connection, meeting, 'sweep'),
        );
        if (result.failed.length > 0)
          logger.warn({ connectionId, failed: result.failed }, 'some users could not be listed');
        await this.importNowLinkedHosts(connectionId);
      },
    );

    queue.register(sweepDispatchJob, () => this.dispatchSweeps());

    connections.onConnected((connectionId) => this.requestSweep(connectionId));
    // Uninstalled with the policy "delete": when its day comes, every call and file imported through
    // this connection is erased (tombstones stay, so nothing is imported again if Zoom is reconnected).
    connections.onPurge(async (connection) => {
      const reason = encodeMessage('erased_after_uninstall');
      let erased = 0;
      for (;;) {
        const batch = await listUnerasedRecordings(db, connection.id, 200);
        for (const recordingId of batch) if (await eraseRecording(deps, recordingId, reason)) erased++;
        if (batch.length < 200) break;
      }
      await insertAuditEntry(db, {
        organizationId: connection.organizationId,
        actorUserId: null,
        action: 'zoom.data_deleted',
        target: connection.id,
        details: { erased },
      });
    });
    deps.userMapping?.onLinksChanged(({ connectionId }) => this.afterLinksChanged(connectionId));

    for (const event of ['recording.completed', 'recording.transcript_completed', 'recording.recovered']) {
      connections.onWebhook(event, async (stored) => {
        const parsed = zoomRecordingMeetingSchema.safeParse(
          (stored.body.payload as { object?: unknown } | undefined)?.object,
        );
        if (!parsed.success) return `ignored: unreadable meeting (${describeZodError(parsed.error)})`;
        const downloadToken =
          typeof stored.body.download_token === 'string' ? stored.body.download_token : undefined;
        if (event === 'recording.recovered') {
          const known = await findRecordingByUuid(db, stored.connection.id, parsed.data.uuid);
          if (known?.status === 'trashed')
            await setRecordingStatus(db, known.id, 'discovered', encodeMessage('recovered_from_trash'));
        }
        await this.discover(stored.connection, parsed.data, 'webhook', downloadToken);
        return `import queued for ${parsed.data.uuid}`;
      });
    }
    for (const [event, status] of [
      ['recording.trashed', 'trashed'],
      ['recording.deleted', 'deleted'],
    ] as const) {
      connections.onWebhook(event, async (stored) => {
        const uuid = (stored.body.payload as { object?: { uuid?: string } } | undefined)?.object?.uuid;
        const known = uuid ? await findRecordingByUuid(db, stored.connection.id, uuid) : undefined;
        if (!known || known.status === 'deleted') return 'unknown recording';
        if (known.status === 'erased') return 'erased in Callport';
        // An imported call stays in the library; Zoom's copy going away only matters before import.
        if (known.status === 'imported') return 'already imported';
        const operator = (stored.body.payload as { operator?: string }).operator;
        await setRecordingStatus(
          db,
          known.id,
          status,
          operator ? encodeMessage(`${status}_in_zoom_by`, { operator }) : encodeMessage(`${status}_in_zoom`),
        );
        return status;
      });
    }
  }

  async discover(
    connection: ConnectionRow,
    meeting: ZoomRecordingMeeting,
    via: 'webhook' | 'sweep' | 'manual',
    downloadToken?: string,
  ) {
    const discovery = await discoverRecording({ db: this.deps.db, box: this.deps.box }, connection, meeting, {
      via,
      downloadToken,
    });
    if (discovery.status === 'erased') return;
    // Already imported and seen again by a sweep: nothing new to fetch, unless Zoom now lists a file
    // that is not stored yet (a transcript finished after the import whose webhook was lost).
    if (
      via === 'sweep' &&
      !discovery.isNew &&
      ['imported', 'skipped', 'deleted', 'trashed'].includes(discovery.status) &&
      !(discovery.status === 'imported' && discovery.hasUnstoredFiles)
    )
      return;
    // Listed again while its import runs (another sweep, windows sharing a day, Zoom's duplicate
    // webhooks): that run has every file, a second job would end "unchanged". A file new since is queued.
    // Running: the job holds the lease, or a worker has just taken the job and not the lease yet (a
    // job taken longer ago without a live lease died with its worker: a new one is queued).
    if (
      !discovery.isNew &&
      discovery.isUnchanged &&
      (discovery.isClaimed ||
        (await this.deps.queue.isRunning(importRecordingJob, discovery.recordingId, justTakenSeconds)))
    )
      return;
    await this.enqueueImport(discovery.recordingId, discovery.autoDeleteDate, undefined, {
      // A listing's file list is complete (unlike a webhook's, docs/zoom-platform.md §7): the import can trust it.
      ...(via === 'sweep' ? { listedAt: Date.now() } : {}),
    });
  }

  async enqueueImport(
    recordingId: string,
    autoDeleteDate: Date | null,
    startAfterSeconds?: number,
    options: { listedAt?: number } = {},
  ) {
    await this.deps.queue.send(
      importRecordingJob,
      { recordingId, ...options },
      {
        singletonKey: recordingId,
        priority: priorityFor(autoDeleteDate),
        // Found again now (Zoom's webhook once it finished processing, a sweep, "Importer maintenant"):
        // a retry queued for later runs now instead of swallowing this (up to a minute of delay).
        ...(startAfterSeconds ? { startAfterSeconds } : { bringForward: true }),
      },
    );
  }

  /** Re-enqueues recordings a crashed worker left half done (run every minute and at worker start). */
  async recoverOrphans(): Promise<number> {
    const orphans = await listOrphanedRecordings(this.deps.db, 90);
    for (const orphan of orphans) await this.enqueueImport(orphan.id, orphan.autoDeleteDate);
    return orphans.length;
  }

  /** Recordings skipped while their host was not linked (or not licensed) whose host now is: import them. */
  async importNowLinkedHosts(connectionId: string): Promise<number> {
    const ready = await reopenSkippedNowImportable(this.deps.db, connectionId);
    for (const recording of ready) await this.enqueueImport(recording.id, recording.autoDeleteDate);
    return ready.length;
  }

  /** Links changed: backfill the users never listed and import what their hosts had waiting. */
  async afterLinksChanged(connectionId: string): Promise<void> {
    await this.requestSweep(connectionId, { onlyNew: true });
    await this.importNowLinkedHosts(connectionId);
  }

  /**
   * Run every minute (cron): queues each connection's next full sweep for the exact time it is due,
   * SWEEP_INTERVAL_MINUTES after the last one started, when that time comes before the next run could
   * (dispatcher runs are 60 s apart give or take pg-boss's cron check and polling). Starting the sweep
   * at the dispatcher's own run instead put sweeps on clock minutes: 60 to 86 s apart at a 1-minute
   * interval. Also starts the backfill of users who became importable since.
   */
  async dispatchSweeps(now = Date.now()): Promise<void> {
    const { db, config } = this.deps;
    await this.recoverOrphans();
    for (const connection of await listActiveConnections(db)) {
      const lastStartedAt = (await findSweep(db, connection.id))?.lastStartedAt?.getTime() ?? 0;
      const dueAt = lastStartedAt + config.SWEEP_INTERVAL_MINUTES * 60_000;
      if (dueAt <= now + dispatchLookaheadMs) await this.scheduleSweep(connection.id, lastStartedAt);
      // Someone became importable since (linked, licensed, re-activated, created and linked): their
      // backfill starts within the minute, whichever way it happened, unless the full sweep is imminent.
      if (dueAt > now + 20_000 && (await hasUnsweptLinkedUser(db, connection.id)))
        await this.requestSweep(connection.id, { onlyNew: true });
      await this.importNowLinkedHosts(connection.id);
    }
  }

  /**
   * Queues the full sweep that follows the one started at `after` (epoch ms), to start
   * SWEEP_INTERVAL_MINUTES later (at once if that is past). Its own queue key: a scheduled sweep waiting
   * for its time never swallows "Importer maintenant" or a reconnect's sweep, which start now; the same
   * schedule asked twice is queued once.
   */
  async scheduleSweep(connectionId: string, after: number): Promise<void> {
    const dueAt = after + this.deps.config.SWEEP_INTERVAL_MINUTES * 60_000;
    await this.deps.queue.send(
      sweepConnectionJob,
      { connectionId, after },
      {
        singletonKey: `${connectionId}:scheduled`,
        ...(dueAt > Date.now() ? { startAfter: new Date(dueAt) } : {}),
      },
    );
  }

  async requestSweep(
    connectionId: string,
    options: { since?: string; userEmail?: string; onlyNew?: boolean } = {},
  ) {
    await this.deps.queue.send(
      sweepConnectionJob,
      { connectionId, ...options },
      // Sweeps that list different things queue apart: one waiting does not swallow the other (a full
      // sweep, a new users' backfill, `callport import --since` for a day or a user, a scheduled sweep);
      // the same sweep asked twice while it waits is queued once.
      { singletonKey: sweepKey(connectionId, options) },
    );
  }
}

/** Longer than the time between two dispatcher runs (60 s, plus up to 5 s of cron check and 2 s of polling). */
const dispatchLookaheadMs = 90_000;
/** A worker claims the recording within moments of taking its job; a job taken this long ago without a claim is dead. */
const justTakenSeconds = 30;

function sweepKey(connectionId: string, options: { since?: string; userEmail?: string; onlyNew?: boolean }) {
  if (options.onlyNew) return `${connectionId}:new`;
  if (!options.since && !options.userEmail) return connectionId;
  return `${connectionId}:since:${options.since ?? ''}:${options.userEmail ? normalizeEmail(options.userEmail) : ''}`;
}

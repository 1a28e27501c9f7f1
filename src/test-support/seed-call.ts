import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { TestApp } from './app.ts';

/**
 * An imported call with one stored video file, written straight to the database and the blob store:
 * for tests of the call routes (ranges, bad input) that need no Zoom round trip. The organisation's
 * connection is a disconnected one, so no route calls Zoom for it.
 */
export async function seedCallWithMedia(
  app: TestApp,
  options: { organizationId: string; hostUserId: string; size?: number },
): Promise<{ callId: string; fileId: string; size: number; bytes: Buffer }> {
  const size = options.size ?? 1000;
  const bytes = Buffer.from(Array.from({ length: size }, (_, index) => index % 251));
  const sql = app.database.executeSql;
  const [connection] = (
    await sql(
      `INSERT INTO zoom_connections (organization_id, app_type, status, zoom_account_id, zoom_user_id, zoom_user_email)
       VALUES ($1, 'general', 'disconnected', $2, 'seed-user', 'seed@example.test') RETURNING id`,
      [options.organizationId, `seed-${randomUUID()}`],
    )
  ).rows;
  const [recording] = (
    await sql(
      `INSERT INTO recordings (connection_id, organization_id, meeting_uuid, meeting_id, topic, host_zoom_id,
         start_time, status, discovered_via)
       VALUES ($1, $2, $3, 123456789, 'Seeded call', 'seed-user', now(), 'imported', 'sweep') RETURNING id`,
      [connection!.id, options.organizationId, `${randomUUID()}==`],
    )
  ).rows;
  const key = `${options.organizationId}/${String(recording!.id)}/video.mp4`;
  const stored = await app.store.put(key, Readable.from([bytes]), { contentType: 'video/mp4' });
  const [file] = (
    await sql(
      `INSERT INTO recording_files (recording_id, file_key, file_type, storage_key, stored_size, sha256, stored_at)
       VALUES ($1, 'video', 'MP4', $2, $3, $4, now()) RETURNING id`,
      [recording!.id, key, stored.size, stored.sha256],
    )
  ).rows;
  const [call] = (
    await sql(
      `INSERT INTO calls (organization_id, recording_id, host_user_id, topic, started_at, duration_seconds)
       VALUES ($1, $2, $3, 'Seeded call', now(), 60) RETURNING id`,
      [options.organizationId, recording!.id, options.hostUserId],
    )
  ).rows;
  return { callId: String(call!.id), fileId: String(file!.id), size, bytes };
}

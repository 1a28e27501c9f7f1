import type { Database } from '../db/index.ts';

/**
 * Many calls written by SQL itself (generate_series), for the search benchmark and the tests that need
 * more calls than an import would make in time: one organisation with its admin, `calls` recordings and
 * calls "Call 1" … "Call N" an hour apart, lasting `seconds` plus 0–6 minutes, even ones French and odd
 * ones English. No transcripts: the caller adds what it needs.
 */
export async function seedManyCalls(database: Database, options: { calls: number; seconds: number }) {
  const sql = database.executeSql;
  const [organization] = (await sql("INSERT INTO organizations (name) VALUES ('Bulk') RETURNING id")).rows;
  const organizationId = organization!.id as string;
  const [admin] = (
    await sql(
      "INSERT INTO users (organization_id, email, name, role) VALUES ($1, 'admin@bulk.test', 'Admin', 'admin') RETURNING id",
      [organizationId],
    )
  ).rows;
  const [connection] = (
    await sql(
      `INSERT INTO zoom_connections (organization_id, app_type, status, zoom_account_id, zoom_user_id, zoom_user_email)
       VALUES ($1, 'general', 'disconnected', 'bulk', 'owner', 'owner@bulk.test') RETURNING id`,
      [organizationId],
    )
  ).rows;
  await sql(
    `INSERT INTO recordings (connection_id, organization_id, meeting_uuid, meeting_id, topic, host_zoom_id, start_time, status, discovered_via)
     SELECT $1, $2, 'uuid-' || n, n, 'Call ' || n, 'host', now() - n * interval '1 hour', 'imported', 'sweep'
       FROM generate_series(1, $3::int) AS n`,
    [connection!.id, organizationId, options.calls],
  );
  await sql(
    `INSERT INTO calls (organization_id, recording_id, host_user_id, topic, started_at, duration_seconds, participants, language)
     SELECT organization_id, id, $2, topic, start_time, $3::int + (meeting_id % 7) * 60,
            jsonb_build_array('Admin', 'Client ' || meeting_id),
            CASE WHEN meeting_id % 2 = 0 THEN 'fr' ELSE 'en' END
       FROM recordings WHERE organization_id = $1`,
    [organizationId, admin!.id, options.seconds],
  );
  return { organizationId, adminId: admin!.id as string };
}

import { and, eq, isNotNull } from 'drizzle-orm';
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';
import type { SecretBox } from '../lib/secret-box.ts';

/**
 * Re-seals every stored secret (Zoom tokens, PKCE verifiers, recordings' download tokens, webhook bodies
 * not yet processed) with the box's current key. Connections are re-sealed under the row lock so a
 * concurrent token refresh is never overwritten; the other values are written only if unchanged since
 * read. Returns how many were re-sealed.
 */
export async function resealSecrets(db: Db, box: SecretBox): Promise<number> {
  const { zoomConnections, oauthStates, recordings, webhookEvents } = schema;
  let count = 0;
  const reseal = (value: string | null) => (value && box.isStale(value) ? box.seal(box.open(value)) : value);
  const connections = await db.select({ id: zoomConnections.id }).from(zoomConnections);
  for (const { id } of connections) {
    await db.transaction(async (tx) => {
      const [row] = await tx.select().from(zoomConnections).where(eq(zoomConnections.id, id)).for('update');
      if (!row) return;
      const accessTokenSealed = reseal(row.accessTokenSealed);
      const refreshTokenSealed = reseal(row.refreshTokenSealed);
      if (accessTokenSealed === row.accessTokenSealed && refreshTokenSealed === row.refreshTokenSealed)
        return;
      await tx
        .update(zoomConnections)
        .set({ accessTokenSealed, refreshTokenSealed })
        .where(eq(zoomConnections.id, id));
      count++;
    });
  }
  for (const state of await db.select().from(oauthStates)) {
    const codeVerifierSealed = reseal(state.codeVerifierSealed)!;
    if (codeVerifierSealed === state.codeVerifierSealed) continue;
    await db
      .update(oauthStates)
      .set({ codeVerifierSealed })
      .where(eq(oauthStates.stateHash, state.stateHash));
    count++;
  }
  // Values any process may clear or replace meanwhile: written only if still the one read.
  const resealColumn = async <T extends PgTable>(
    table: T,
    id: PgColumn,
    sealed: PgColumn,
    set: (to: string) => PgUpdateSetSource<T>,
  ) => {
    const rows = await db
      .select({ id, sealed })
      .from(table as PgTable)
      .where(isNotNull(sealed));
    for (const row of rows) {
      const from = row.sealed as string | null;
      if (!from || !box.isStale(from)) continue;
      const written = await db
        .update(table)
        .set(set(reseal(from)!))
        .where(and(eq(id, row.id), eq(sealed, from)))
        .returning({ id });
      count += written.length;
    }
  };
  await resealColumn(recordings, recordings.id, recordings.downloadTokenSealed, (to) => ({
    downloadTokenSealed: to,
  }));
  await resealColumn(webhookEvents, webhookEvents.id, webhookEvents.payloadSealed, (to) => ({
    payloadSealed: to,
  }));
  return count;
}

import { and, eq, isNotNull } from 'drizzle-orm';
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
  const resealEach = async (
    rows: Array<{ id: string; sealed: string | null }>,
    write: (id: string, from: string, to: string) => Promise<unknown[]>,
  ) => {
    for (const { id, sealed } of rows) {
      if (sealed && box.isStale(sealed)) count += (await write(id, sealed, reseal(sealed)!)).length;
    }
  };
  await resealEach(
    await db
      .select({ id: recordings.id, sealed: recordings.downloadTokenSealed })
      .from(recordings)
      .where(isNotNull(recordings.downloadTokenSealed)),
    (id, from, to) =>
      db
        .update(recordings)
        .set({ downloadTokenSealed: to })
        .where(and(eq(recordings.id, id), eq(recordings.downloadTokenSealed, from)))
        .returning({ id: recordings.id }),
  );
  await resealEach(
    await db
      .select({ id: webhookEvents.id, sealed: webhookEvents.payloadSealed })
      .from(webhookEvents)
      .where(isNotNull(webhookEvents.payloadSealed)),
    (id, from, to) =>
      db
        .update(webhookEvents)
        .set({ payloadSealed: to })
        .where(and(eq(webhookEvents.id, id), eq(webhookEvents.payloadSealed, from)))
        .returning({ id: webhookEvents.id }),
  );
  return count;
}

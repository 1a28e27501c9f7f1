import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';
import type { SecretBox } from '../lib/secret-box.ts';

/**
 * Re-seals every stored secret (Zoom tokens, PKCE verifiers) with the box's current key, row by row
 * under the row lock so a concurrent token refresh is never overwritten. Returns how many were re-sealed.
 */
export async function resealSecrets(db: Db, box: SecretBox): Promise<number> {
  const { zoomConnections, oauthStates } = schema;
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
  return count;
}

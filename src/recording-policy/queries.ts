import { eq } from 'drizzle-orm';
import type { Db } from '../db/index.ts';
import { schema } from '../db/index.ts';
import type { AuditItem } from './audit-policy.ts';

export type PolicyRow = typeof schema.recordingPolicies.$inferSelect;

export async function loadPolicy(db: Db, connectionId: string): Promise<PolicyRow> {
  const [row] = await db
    .select()
    .from(schema.recordingPolicies)
    .where(eq(schema.recordingPolicies.connectionId, connectionId));
  if (row) return row;
  const [created] = await db
    .insert(schema.recordingPolicies)
    .values({ connectionId })
    .onConflictDoNothing()
    .returning();
  return created ?? (await loadPolicy(db, connectionId));
}

export async function savePolicy(db: Db, connectionId: string, values: Partial<PolicyRow>) {
  await db
    .update(schema.recordingPolicies)
    .set(values)
    .where(eq(schema.recordingPolicies.connectionId, connectionId));
}

/** What the last audit found in Zoom for one item (undefined: never audited, or no such item). */
export async function auditedValue(db: Db, connectionId: string, itemId: string) {
  const [row] = await db
    .select({ lastAudit: schema.recordingPolicies.lastAudit })
    .from(schema.recordingPolicies)
    .where(eq(schema.recordingPolicies.connectionId, connectionId));
  return ((row?.lastAudit ?? []) as AuditItem[]).find((item) => item.id === itemId)?.current;
}

import type { GetColumnData, SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from './client.ts';

/**
 * One column's values in the rows of its table where `where` holds (ids, hashes, line numbers), in
 * `orderBy` order when given, `limit` of them at most.
 */
export async function selectValues<TColumn extends AnyPgColumn>(
  db: Db,
  column: TColumn,
  where: SQL | undefined,
  options: { orderBy?: AnyPgColumn | SQL; limit?: number } = {},
): Promise<Array<GetColumnData<TColumn>>> {
  let query = db
    .select({ value: column as AnyPgColumn })
    .from(column.table as PgTable)
    .where(where)
    .$dynamic();
  if (options.orderBy) query = query.orderBy(options.orderBy);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const rows = await query;
  return rows.map((row) => row.value as GetColumnData<TColumn>);
}

/**
 * Sets `values` on the row `where` selects and returns it as it now is (undefined when there is none);
 * with nothing to set, the row is only read.
 */
export async function updateRow<TTable extends PgTable>(
  db: Db,
  table: TTable,
  where: SQL,
  values: PgUpdateSetSource<TTable>,
): Promise<TTable['$inferSelect'] | undefined> {
  const rows =
    Object.keys(values).length === 0
      ? await db
          .select()
          .from(table as PgTable)
          .where(where)
      : await db.update(table).set(values).where(where).returning();
  return (rows as Array<TTable['$inferSelect']>)[0];
}

import { parse } from 'csv-parse/sync';
import { createUserRequestSchema, type ImportUsersResult } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { findUserByEmail, insertAuditEntry, insertUser, updateUser } from './queries.ts';

const truthy = new Set(['true', 'yes', 'oui', '1', 'y', 'x']);
const falsy = new Set(['false', 'no', 'non', '0', 'n', '']);

/**
 * Imports users from CSV with a header row: email, name, role, licensed, language (only email and name
 * are required). Existing users of the organisation are updated; each bad line is reported and skipped.
 */
export async function importUsersCsv(
  db: Db,
  organizationId: string,
  actorUserId: string,
  csv: string,
): Promise<ImportUsersResult> {
  const result: ImportUsersResult = { created: 0, updated: 0, errors: [] };
  let records: Record<string, string>[];
  try {
    records = parse(csv, {
      columns: (header: string[]) => header.map((name) => name.trim().toLowerCase()),
      skip_empty_lines: true,
      trim: true,
      bom: true,
      delimiter: [',', ';'],
    });
  } catch (error) {
    return {
      ...result,
      errors: [{ line: 1, message: `Not a readable CSV file: ${(error as Error).message}` }],
    };
  }
  if (records.length > 0 && !('email' in records[0]!)) {
    return { ...result, errors: [{ line: 1, message: 'The header row must name an "email" column.' }] };
  }
  // Every line's change and the audit entry commit together: a failure midway leaves nothing half done.
  return db.transaction(async (tx) => {
    for (const [index, record] of records.entries()) {
      const line = index + 2;
      const licensed = parseBoolean(record.licensed);
      if (licensed === undefined) {
        result.errors.push({ line, message: `licensed: "${record.licensed}" is not yes/no` });
        continue;
      }
      const parsed = createUserRequestSchema.safeParse({
        email: record.email,
        name: record.name || record.email?.split('@')[0],
        role: record.role ? record.role.toLowerCase() : undefined,
        isLicensed: licensed,
        language: record.language ? record.language.toLowerCase().slice(0, 2) : undefined,
      });
      if (!parsed.success) {
        result.errors.push({
          line,
          message: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '),
        });
        continue;
      }
      const input = parsed.data;
      const existing = await findUserByEmail(tx, input.email);
      if (existing && existing.organizationId !== organizationId) {
        result.errors.push({ line, message: `${input.email} belongs to another Callport organisation` });
      } else if (existing) {
        await updateUser(tx, organizationId, existing.id, {
          name: input.name,
          isLicensed: input.isLicensed,
          language: input.language,
          ...(record.role ? { role: input.role } : {}),
        });
        result.updated++;
      } else {
        await insertUser(tx, { organizationId, ...input, passwordHash: null });
        result.created++;
      }
    }
    await insertAuditEntry(tx, {
      organizationId,
      actorUserId,
      action: 'users.imported',
      details: { created: result.created, updated: result.updated, errors: result.errors.length },
    });
    return result;
  });
}

function parseBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined) return true;
  const normalized = value.trim().toLowerCase();
  if (truthy.has(normalized)) return true;
  if (falsy.has(normalized)) return normalized === '';
  return undefined;
}

import { randomBytes } from 'node:crypto';
import type { Language } from '../contract/index.ts';
import type { Db } from '../db/index.ts';
import { AppError } from '../lib/errors.ts';
import { hashPassword } from './passwords.ts';
import { findUserByEmail, insertAuditEntryBy, insertOrganization, insertUser } from './queries.ts';

export function generatePassword(): string {
  return randomBytes(12).toString('base64url');
}

/** Creates an organisation and its first admin (CLI `users create-admin`, sandbox seed). */
export async function createOrganizationWithAdmin(
  db: Db,
  input: { organizationName: string; email: string; name: string; password: string; language?: Language },
) {
  if (await findUserByEmail(db, input.email)) {
    throw new AppError('conflict', `A Callport user with the e-mail ${input.email} already exists.`, {
      reason: 'email_taken',
      params: { email: input.email },
    });
  }
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const organization = await insertOrganization(tx, { name: input.organizationName });
    const admin = await insertUser(tx, {
      organizationId: organization.id,
      email: input.email,
      name: input.name,
      role: 'admin',
      isLicensed: true,
      language: input.language ?? 'fr',
      passwordHash,
    });
    await insertAuditEntryBy(
      tx,
      { organizationId: organization.id, userId: null },
      { action: 'organization.created', target: organization.id, details: { adminEmail: admin.email } },
    );
    return { organization, admin };
  });
}

import {
  createOrganizationWithAdmin,
  createUser,
  findUserByEmail,
  generatePassword,
} from '../accounts/index.ts';
import type { Db } from '../db/index.ts';

const sandboxAdminEmail = 'camille.martin@acme.example';

/**
 * Callport users of the sandbox organisation. Their e-mails overlap the emulator's sandbox Zoom
 * account on purpose: most match exactly, Jules's differs only by case, Inès is still pending in Zoom,
 * Sarah has no Zoom user, and the Zoom account has people (support, marketing) Callport does not know.
 */
const sandboxUsers = [
  { email: 'louis.bernard@acme.example', name: 'Louis Bernard', role: 'admin' as const, isLicensed: true },
  { email: 'emma.dubois@acme.example', name: 'Emma Dubois', role: 'member' as const, isLicensed: true },
  { email: 'hugo.thomas@acme.example', name: 'Hugo Thomas', role: 'member' as const, isLicensed: true },
  { email: 'lea.robert@acme.example', name: 'Léa Robert', role: 'member' as const, isLicensed: true },
  { email: 'jules.richard@acme.example', name: 'Jules Richard', role: 'member' as const, isLicensed: true },
  { email: 'chloe.petit@acme.example', name: 'Chloé Petit', role: 'member' as const, isLicensed: true },
  { email: 'ines.simon@acme.example', name: 'Inès Simon', role: 'member' as const, isLicensed: true },
  { email: 'sarah.garcia@acme.example', name: 'Sarah Garcia', role: 'member' as const, isLicensed: true },
  { email: 'paul.fontaine@acme.example', name: 'Paul Fontaine', role: 'member' as const, isLicensed: false },
];

export type SandboxSeed = { organizationId: string; adminEmail: string; adminPassword: string | undefined };

/** Seeds the sandbox organisation once; on later starts returns it without a password (it is not stored). */
export async function seedSandbox(db: Db): Promise<SandboxSeed> {
  const existing = await findUserByEmail(db, sandboxAdminEmail);
  if (existing)
    return { organizationId: existing.organizationId, adminEmail: existing.email, adminPassword: undefined };
  const adminPassword = generatePassword();
  const { organization } = await createOrganizationWithAdmin(db, {
    organizationName: 'Acme SAS',
    email: sandboxAdminEmail,
    name: 'Camille Martin',
    password: adminPassword,
  });
  for (const user of sandboxUsers) {
    await createUser(db, organization.id, null, { ...user, language: 'fr' });
  }
  return { organizationId: organization.id, adminEmail: sandboxAdminEmail, adminPassword };
}

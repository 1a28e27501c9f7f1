export { createOrganizationWithAdmin, generatePassword } from './create-organization.ts';
export { registerAccountsRoutes } from './http.ts';
export { createUser, editUser } from './manage-users.ts';
export { hashPassword } from './passwords.ts';
export {
  countActiveAdmins,
  deleteExpiredSessions,
  findOrganization,
  findUserByEmail,
  insertAuditEntry,
  insertAuditEntryBy,
  listOrganizations,
  listUsers,
  updateUser,
} from './queries.ts';
export { resolveSession } from './sessions.ts';

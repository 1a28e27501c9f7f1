import { z } from 'zod';
import { messageSchema } from './messages.ts';

export const languageSchema = z.enum(['fr', 'en']);
export type Language = z.infer<typeof languageSchema>;

export const roleSchema = z.enum(['admin', 'manager', 'member']);
export type Role = z.infer<typeof roleSchema>;

const emailSchema = z
  .string()
  .trim()
  .max(320)
  .pipe(z.email({ message: 'Invalid e-mail address' }));

export const userSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  isLicensed: z.boolean(),
  language: languageSchema,
  isActive: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const organizationSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  productName: z.string(),
  productUrl: z.string().nullable(),
});
export type Organization = z.infer<typeof organizationSchema>;

/** GET /api/session: who is signed in, and the CSRF token to send as `x-csrf-token` on writes. */
export const sessionSchema = z.object({
  user: userSchema,
  organization: organizationSchema,
  csrfToken: z.string(),
  isSandbox: z.boolean(),
});
export type Session = z.infer<typeof sessionSchema>;

export const signInRequestSchema = z.object({
  email: emailSchema,
  password: z.string().min(1).max(1024),
});
export type SignInRequest = z.infer<typeof signInRequestSchema>;

export const createUserRequestSchema = z.object({
  email: emailSchema,
  name: z.string().trim().min(1).max(200),
  role: roleSchema.default('member'),
  isLicensed: z.boolean().default(true),
  language: languageSchema.default('fr'),
  password: z.string().min(12).max(1024).optional(),
});
export type CreateUserRequest = z.input<typeof createUserRequestSchema>;

export const updateUserRequestSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    role: roleSchema,
    isLicensed: z.boolean(),
    language: languageSchema,
    isActive: z.boolean(),
    password: z.string().min(12).max(1024),
  })
  .partial()
  .strict();
export type UpdateUserRequest = z.infer<typeof updateUserRequestSchema>;

export const updateMyPreferencesRequestSchema = z.object({ language: languageSchema }).strict();

/** POST /api/me/password: the current password proves it is the account's owner, not a borrowed session. */
export const changePasswordRequestSchema = z
  .object({
    currentPassword: z.string().min(1).max(1024),
    newPassword: z.string().min(12, 'at least 12 characters').max(1024),
  })
  .strict();
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>;

export const usersListSchema = z.object({ users: z.array(userSchema) });

/** POST /api/users/import (text/csv body or JSON `{ csv }`): columns email,name,role,licensed,language. */
export const importUsersRequestSchema = z.object({ csv: z.string().min(1).max(2_000_000) });
export const importUsersResultSchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  errors: z.array(z.object({ line: z.number().int(), message: z.string() })),
});
export type ImportUsersResult = z.infer<typeof importUsersResultSchema>;

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
    /** What the UI shows, translated: a message code (messages.ts) and its params. */
    reason: z.string().optional(),
    params: messageSchema.shape.params,
  }),
});

import { z } from 'zod';
import { messageSchema } from './messages.ts';

/** One line of the checklist shown right after connecting (the guide's "Conditions préalables"). */
export const prerequisiteSchema = z.object({
  id: z.enum(['callport_admin', 'zoom_role', 'scopes', 'plan', 'settings_access']),
  status: z.enum(['pass', 'warn', 'fail']),
  /** Values the UI fills into the translated message (missing scopes, role name, …). */
  values: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.number(), z.boolean()])),
});
export type Prerequisite = z.infer<typeof prerequisiteSchema>;

export const connectionStatusSchema = z.enum([
  'connected',
  'reconnect_needed',
  'disconnected',
  'uninstalled',
]);

export const zoomConnectionSchema = z.object({
  id: z.uuid(),
  status: connectionStatusSchema,
  appType: z.enum(['general', 'server_to_server']),
  zoomAccountId: z.string(),
  zoomUserEmail: z.string(),
  zoomRoleName: z.string().nullable(),
  connectedBy: z.object({ id: z.string(), name: z.string(), email: z.string() }).nullable(),
  connectedAt: z.string(),
  scopes: z.array(z.string()),
  prerequisites: z.array(prerequisiteSchema),
  health: z.object({
    lastApiSuccessAt: z.string().nullable(),
    lastWebhookAt: z.string().nullable(),
    tokenExpiresAt: z.string().nullable(),
    tokenRefreshedAt: z.string().nullable(),
    tokenState: z.enum(['valid', 'expired', 'none']),
    /** Why the connection needs an admin (a message code, see messages.ts). */
    lastError: messageSchema.nullable(),
  }),
  uninstallDataPolicy: z.enum(['keep', 'delete']),
  uninstallDeleteAfterDays: z.number().int(),
  endedAt: z.string().nullable(),
  /** Uninstalled with the policy "delete": when Callport deletes the calls imported from Zoom. */
  dataDeletionAt: z.string().nullable(),
});
export type ZoomConnection = z.infer<typeof zoomConnectionSchema>;

/** GET /api/integrations/zoom */
export const zoomIntegrationSchema = z.object({
  connection: zoomConnectionSchema.nullable(),
  appType: z.enum(['general', 'server_to_server']),
  isSandbox: z.boolean(),
  /** The URLs to register in the Zoom Marketplace app. */
  redirectUri: z.string(),
  webhookUrl: z.string(),
  requiredScopes: z.array(z.string()),
});
export type ZoomIntegration = z.infer<typeof zoomIntegrationSchema>;

export const updateZoomIntegrationRequestSchema = z
  .object({
    uninstallDataPolicy: z.enum(['keep', 'delete']),
    uninstallDeleteAfterDays: z.number().int().min(0).max(10),
  })
  .partial()
  .strict();

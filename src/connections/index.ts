export { canReadMeetingSummaries, optionalScopes, requiredScopes } from './check-prerequisites.ts';
export {
  type ConnectionsDeps,
  ConnectionsFeature,
  type StoredWebhookEvent,
  type WebhookHandler,
} from './feature.ts';
export { registerConnectionsRoutes } from './http.ts';
export {
  type ConnectionRow,
  findConnection,
  findConnectionByOrganization,
  listActiveConnections,
  requireActiveConnection,
} from './queries.ts';
export { resealSecrets } from './reseal-secrets.ts';
export type { ConnectionEvent, ZoomAccess, ZoomAppConfig } from './zoom-access.ts';

export {
  encodeMeetingUuid,
  parseRetryAfter,
  type SettingsScope,
  ZoomClient,
  type ZoomTokenSource,
} from './client.ts';
export { type DownloadResponse, isZoomDownloadUrl, openRecordingDownload } from './download.ts';
export {
  decideZoomFailure,
  isZoomApiError,
  ZoomApiError,
  type ZoomErrorKind,
  type ZoomFailureDecision,
} from './errors.ts';
export {
  buildAuthorizeUrl,
  createAuthorizationRequest,
  exchangeAuthorizationCode,
  refreshAccessToken,
  requestAccountCredentialsToken,
  revokeToken,
  type ZoomAppCredentials,
  type ZoomTokenSet,
} from './oauth.ts';
export { createLocalRateBudget, defaultRequestsPerSecond, type RateBudget } from './rate-budget.ts';
export {
  answerUrlValidation,
  signWebhook,
  verifyWebhookSignature,
  type WebhookVerification,
} from './webhooks.ts';
export * from './wire.ts';

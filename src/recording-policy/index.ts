export { RecordingPolicyFeature } from './feature.ts';
export { registerRecordingPolicyRoutes } from './http.ts';
export { auditedValue } from './queries.ts';

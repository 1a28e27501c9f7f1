export { applyPolicy, auditedValue, auditPolicy, syncRecordingGroup } from './audit-policy.ts';
export { RecordingPolicyFeature } from './feature.ts';
export { policyItems, recommendedDisclaimer } from './policy.ts';

export { applyRetention } from './apply-retention.ts';
export { erasePerson } from './erase-person.ts';
export { PrivacyFeature } from './feature.ts';
export { registerPrivacyRoutes } from './http.ts';

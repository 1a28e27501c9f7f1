export { buildCoverage } from './build-coverage.ts';
export { CoverageFeature } from './feature.ts';
export { registerCoverageRoutes } from './http.ts';
export { reconcileConnectionJob, reconcileDispatchJob } from './jobs.ts';
export { internalDomainsOf } from './queries.ts';
export { reconcileConnection } from './reconcile-connection.ts';

export { UserMappingFeature } from './feature.ts';
export { registerUserMappingRoutes } from './http.ts';
export { type LinkChanges, proposeAutomaticLinks, saveLinks } from './link-users.ts';
export { findLinkByZoomUser, listLinkedLicensedZoomUsers, recordSeenHost } from './queries.ts';
export { syncZoomUsers } from './sync-zoom-users.ts';

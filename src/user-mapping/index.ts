export { UserMappingFeature } from './feature.ts';
export { registerUserMappingRoutes } from './http.ts';
export { type LinkChanges, proposeAutomaticLinks, saveLinks } from './link-users.ts';
export {
  countActiveZoomUsers,
  findLinkByZoomUser,
  listLinkedLicensedZoomUsers,
  listUnlinkedLicensedZoomUsers,
  recordSeenHost,
} from './queries.ts';
export { syncZoomUsers } from './sync-zoom-users.ts';

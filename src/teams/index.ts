export { registerTeamsRoutes } from './http.ts';

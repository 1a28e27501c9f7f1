export { registerCallsRoutes } from './http.ts';
export { findCall, listCalls } from './queries.ts';
export { searchCalls } from './search-calls.ts';

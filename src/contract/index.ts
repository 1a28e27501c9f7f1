export * from './accounts.ts';
export * from './calls.ts';
export * from './connections.ts';
export * from './import.ts';
export * from './user-mapping.ts';

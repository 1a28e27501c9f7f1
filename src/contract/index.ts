export * from './accounts.ts';
export * from './connections.ts';
export * from './user-mapping.ts';

export * from './accounts.ts';
export * from './connections.ts';

export * from './accounts.ts';
export * from './calls.ts';
export * from './connections.ts';
export * from './import.ts';
export * from './messages.ts';
export * from './privacy.ts';
export * from './recording-policy.ts';
export * from './user-mapping.ts';

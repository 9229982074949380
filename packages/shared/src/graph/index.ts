export * from './errors';
export * from './mail-graph';
export * from './mailbox-limiter';
export * from './redis-lock';
export * from './token-cache-crypto';
export * from './token-provider';
export * from './types';
export * from './graph-stack';

export * from './free-port';
export * from './processes';
export * from './redis-server';
export * from './test-redis';
export * from './wait';
export * from './app-env';
export * from './redis-cluster';

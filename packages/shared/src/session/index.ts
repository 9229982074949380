export * from './session-store';
export * from './types';

// The demo setup's secret values. They appear only in the demo setup and in tests that prove production refuses
// them: with NODE_ENV=production every app refuses to start with any of these (and with any secret shorter than
// PRODUCTION_SECRET_MIN_LENGTH characters).

export const DEMO_SECRETS = {
  CONTROL_API_TOKEN: 'demo-control-api-token-0000000000000000',
  CLIENT_SECRET: 'demo-client-secret-00000000000000000000',
  WEBHOOK_CLIENT_STATE: 'demo-webhook-client-state-0000000000000',
  MS4_API_TOKEN: 'demo-ms4-api-token-000000000000000000',
  TOKEN_CACHE_KEY: '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',
} as const;

/** Demo values of earlier versions, refused as well. */
export const OLD_DEMO_SECRETS = ['change-me-demo-token', 'demo-client-secret', 'demo-client-state'] as const;

/** Every value production refuses as a secret. */
export const demoSecretValues: readonly string[] = [...Object.values(DEMO_SECRETS), ...OLD_DEMO_SECRETS];

export const PRODUCTION_SECRET_MIN_LENGTH = 32;

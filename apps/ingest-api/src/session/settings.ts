import Joi from 'joi';
import type { IngestApiConfig, SessionSettings } from '@ms1/shared';

/** What starting a session may say (the API's body, the command line's flags). */
export interface StartRequest {
  polling_mode: 'scheduled' | 'manual';
  polling_interval: number;
  enable_webhook?: boolean;
  mailboxes?: string[];
}

export const startRequest = Joi.object<StartRequest>({
  polling_mode: Joi.string().valid('scheduled', 'manual').default('scheduled'),
  polling_interval: Joi.number().integer().min(5).max(86_400).default(300),
  enable_webhook: Joi.boolean(),
  mailboxes: Joi.array().items(Joi.string().trim().min(1).max(320)).min(1).max(1000).unique(),
}).unknown(false);

/** A start request that cannot be honoured with this configuration; `field` names what to change. */
export class StartRequestError extends Error {
  override name = 'StartRequestError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

type SettingsConfig = Pick<IngestApiConfig, 'webhooks'> & {
  readonly graph: Pick<IngestApiConfig['graph'], 'mailboxes' | 'folder'>;
};

/** Whether webhooks can be used: Graph must reach PUBLIC_BASE_URL, and notifications carry WEBHOOK_CLIENT_STATE. */
export function webhooksConfigured(config: SettingsConfig): boolean {
  return Boolean(config.webhooks.publicBaseUrl && config.webhooks.clientState);
}

/** The settings of a new session, from a validated request and the configuration (API and command line alike). */
export function sessionSettings(request: StartRequest, config: SettingsConfig): SessionSettings {
  const webhookReady = webhooksConfigured(config);
  if (request.enable_webhook && !webhookReady)
    throw new StartRequestError(
      'enable_webhook',
      'enable_webhook: webhooks need PUBLIC_BASE_URL and WEBHOOK_CLIENT_STATE to be configured',
    );
  const mailboxes = request.mailboxes ?? [...config.graph.mailboxes];
  if (mailboxes.length === 0) throw new StartRequestError('mailboxes', 'mailboxes: none given and MAILBOXES is empty');
  return {
    pollingMode: request.polling_mode,
    pollingIntervalSeconds: request.polling_interval,
    enableWebhook: request.enable_webhook ?? webhookReady,
    mailboxes,
    folder: config.graph.folder,
  };
}

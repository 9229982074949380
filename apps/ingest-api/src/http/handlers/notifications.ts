import Joi from 'joi';

// Graph's change and lifecycle notifications as this service accepts them. Every item is validated: a malformed
// one is a 400 naming it (`value[3].subscriptionId is required`), never a 500.

/** Graph's handshake token is short; anything much longer is not Graph. */
export const VALIDATION_TOKEN_MAX_LENGTH = 1024;

export interface HandshakeQuery {
  validationToken?: string;
}

export const handshakeQuery = Joi.object<HandshakeQuery>({
  validationToken: Joi.string().min(1).max(VALIDATION_TOKEN_MAX_LENGTH),
}).unknown(true);

export const LIFECYCLE_EVENTS = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'] as const;
export type LifecycleEvent = (typeof LIFECYCLE_EVENTS)[number];

export interface GraphNotification {
  subscriptionId: string;
  /** Null or a wrong value: not ours (dropped and counted as rejected). */
  clientState: string | null;
  subscriptionExpirationDateTime?: string;
  tenantId?: string;
  changeType?: string;
  resource?: string;
  resourceData?: Record<string, unknown>;
  lifecycleEvent?: string;
}

export interface NotificationCollection {
  value: GraphNotification[];
}

const common = {
  subscriptionId: Joi.string().max(128).required(),
  clientState: Joi.string().max(256).allow(null).required(),
  subscriptionExpirationDateTime: Joi.string().max(64),
  tenantId: Joi.string().max(64),
};

const changeNotification = Joi.object<GraphNotification>({
  ...common,
  changeType: Joi.string().max(64).required(),
  resource: Joi.string().max(2048).required(),
  resourceData: Joi.object().unknown(true),
}).unknown(true);

// Unknown events (Graph may add some) pass validation and are ignored, so Graph is not made to retry them forever.
const lifecycleNotification = Joi.object<GraphNotification>({
  ...common,
  lifecycleEvent: Joi.string().max(64).required(),
}).unknown(true);

/** The body, unless the request is the handshake (`?validationToken=`), which carries none. */
function collection(item: Joi.ObjectSchema<GraphNotification>): Joi.Schema<NotificationCollection | undefined> {
  return Joi.alternatives().conditional<undefined, NotificationCollection>('$query.validationToken', {
    is: Joi.exist(),
    then: Joi.any().strip(),
    otherwise: Joi.object<NotificationCollection>({
      value: Joi.array().items(item).min(1).required(),
    }).unknown(true),
  });
}

export const changeNotifications = collection(changeNotification);
export const lifecycleNotifications = collection(lifecycleNotification);

import type Joi from 'joi';
import { HttpError } from '@ms1/shared';

/**
 * Validates a body or a query string with joi. A failure is a 400 whose `field` names the culprit the way a
 * person would write it (`polling_interval`, `value[2].subscriptionId`) and whose message starts with it.
 * A missing body counts as `{}`, so that optional fields take their defaults.
 */
export function validateInput<T>(
  schema: Joi.Schema<T>,
  input: unknown,
  label: 'body' | 'query',
  context: Record<string, unknown> = {},
): T {
  const { value, error } = schema.label(label).validate(input ?? {}, {
    abortEarly: true,
    convert: true,
    context,
    errors: { wrap: { label: false } },
  });
  if (error) {
    const detail = error.details[0];
    const field = typeof detail?.context?.label === 'string' ? detail.context.label : label;
    throw HttpError.badRequest(field, detail?.message ?? `${field} is invalid`);
  }
  return value;
}

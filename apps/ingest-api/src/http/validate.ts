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
  // Not destructured: Joi types a failed result's value as `any`; narrowed on `error`, the value is a T.
  const result = schema.label(label).validate(input ?? {}, {
    abortEarly: true,
    convert: true,
    context,
    errors: { wrap: { label: false } },
  });
  if (result.error) {
    const detail = result.error.details[0];
    const field = typeof detail?.context?.label === 'string' ? detail.context.label : label;
    throw HttpError.badRequest(field, detail?.message ?? `${field} is invalid`);
  }
  return result.value;
}

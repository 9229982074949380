import type Joi from 'joi';
import { HttpError } from './types';

/** Validates a body (or a query string) with joi; a failure is a 400 whose message names the field. */
export function validateBody<T>(schema: Joi.ObjectSchema<T>, body: unknown): T {
  const { value, error } = schema.validate(body ?? {}, { abortEarly: true, convert: true });
  if (error) {
    const detail = error.details[0];
    const field = detail?.path.join('.') || 'body';
    throw new HttpError(400, `${field}: ${detail?.message.replace(/"/g, '') ?? 'invalid'}`, { field });
  }
  return value;
}

import Joi from 'joi';
import { apps, type AppName, type AppVariables } from './apps';
import type { AppConfig } from './config';
import { demoSecretValues, PRODUCTION_SECRET_MIN_LENGTH } from './demo-secrets';
import { secretVariables, variables, type VariableName } from './variables';

/** A configuration problem: the message names the variable(s), in one line. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

/** The schema one app validates: its variables, required ones required, production's rules on its secrets. */
function appSchema(app: AppVariables, env: Env): Joi.ObjectSchema<Record<string, unknown>> {
  const production = env.NODE_ENV === 'production';
  const keys: Record<string, Joi.Schema> = {};
  for (const name of app.loads) {
    let rule = variables[name].rule;
    if (app.required.includes(name) || app.requiredWhen?.[name]?.(env)) rule = rule.required();
    const secretRule = app.productionSecrets[name];
    if (production && secretRule?.(env)) rule = productionSecret(rule);
    keys[name] = rule;
  }
  return Joi.object(keys);
}

function productionSecret(rule: Joi.Schema): Joi.Schema {
  return rule
    .required()
    .concat(Joi.string().min(PRODUCTION_SECRET_MIN_LENGTH))
    .invalid(...demoSecretValues)
    .messages({
      'any.required': '{{#label}} is required in production',
      'string.min': `{{#label}} must be at least ${PRODUCTION_SECRET_MIN_LENGTH} characters in production`,
      'any.invalid': '{{#label}} is a demo value; production needs a secret of its own',
    });
}

/** Sets `value` at a dotted path of a nested plain object. */
function place(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next === 'object' && next !== null) node = next as Record<string, unknown>;
    else node = node[part] = {};
  }
  node[parts[parts.length - 1] ?? path] = value;
}

/**
 * Validates the part of the environment one app uses and returns its frozen, typed configuration (exactly that
 * part; its required values non-nullable). Empty variables count as unset: compose and `.env` files write `VAR=`.
 * Throws ConfigError with one line naming every bad variable (never its value).
 */
export function loadConfig<A extends AppName>(app: A, env: Env = process.env): AppConfig<A> {
  const cleaned: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) if (value !== undefined && value !== '') cleaned[name] = value;
  const definition: AppVariables = apps[app];
  // Not destructured: Joi types a failed result's value as `any`; narrowed on `error`, the value is typed.
  const result = appSchema(definition, cleaned).validate(cleaned, {
    abortEarly: false,
    allowUnknown: true,
    stripUnknown: true,
    convert: true,
  });
  if (result.error) {
    // Joi's messages quote the key, never the value, so a bad secret is not echoed.
    const problems = [...new Set(result.error.details.map((d) => d.message.replace(/"/g, '')))];
    throw new ConfigError(`Invalid configuration for ${app}: ${problems.join('; ')}`);
  }
  const config: Record<string, unknown> = { app, secrets: secretsOf(cleaned) };
  for (const name of definition.loads) {
    const variable = variables[name];
    const raw = result.value[name];
    place(config, variable.path, raw === undefined ? null : variable.read(raw));
  }
  // The object is built from the same declarations its type is derived from (see config.ts).
  return deepFreeze(config) as AppConfig<A>;
}

/** Every secret value set in the environment (whether or not this app uses it) and Redis's password. */
function secretsOf(env: Record<string, string>): string[] {
  const secrets = secretVariables.map((name: VariableName) => env[name]).filter((s): s is string => Boolean(s));
  const redisPassword = passwordOf(env.REDIS_URL);
  if (redisPassword) secrets.push(redisPassword);
  return secrets;
}

function passwordOf(redisUrl: string | undefined): string | null {
  if (!redisUrl) return null;
  try {
    return decodeURIComponent(new URL(redisUrl).password) || null;
  } catch {
    return null;
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const value of Object.values(o)) deepFreeze(value);
    Object.freeze(o);
  }
  return o;
}

import Joi from 'joi';

/**
 * One environment variable: its joi rule (with its default), where its value goes in the typed configuration
 * (`path`, such as `graph.clientSecret`), and how joi's converted value becomes that value. The configuration
 * types are derived from these declarations (see `config.ts`), so a variable is declared once.
 */
export interface Variable<T, P extends string = string, D extends boolean = boolean> {
  readonly rule: Joi.Schema;
  readonly path: P;
  /** With a default, the value is never null. */
  readonly hasDefault: D;
  /** A secret: redacted from logs, and held to the production rules where an app uses it. */
  readonly secret: boolean;
  readonly read: (validated: unknown) => T;
}

/** What a variable puts into the configuration: null when it is unset and has no default. */
export type ValueOf<V> = V extends Variable<infer T, string, infer D> ? (D extends true ? T : T | null) : never;

class Declared<T, P extends string, D extends boolean> implements Variable<T, P, D> {
  constructor(
    readonly path: P,
    readonly rule: Joi.Schema,
    readonly read: (validated: unknown) => T,
    readonly hasDefault: D,
    readonly secret = false,
  ) {}

  /** The value when the variable is unset (or empty). */
  default(value: T extends readonly string[] ? string : T & (string | number | boolean)): Declared<T, P, true> {
    const plain: string | number | boolean = value;
    return new Declared(this.path, this.rule.default(plain), this.read, true, this.secret);
  }

  /** Marks the variable a secret. */
  asSecret(): Declared<T, P, D> {
    return new Declared(this.path, this.rule, this.read, this.hasDefault, true);
  }

  /** Derives the configuration value from the variable's (e.g. seconds to milliseconds). */
  map<U>(convert: (value: T) => U): Declared<U, P, D> {
    return new Declared(this.path, this.rule, (v) => convert(this.read(v)), this.hasDefault, this.secret);
  }
}

const trimSlashes = (s: string) => s.replace(/\/+$/, '');

/** The kinds of variable; each reads joi's converted value once, here. */
export const v = {
  text: <P extends string>(path: P, rule: Joi.StringSchema = Joi.string()) =>
    new Declared(path, rule, (x) => String(x), false),
  number: <P extends string>(path: P, rule: Joi.NumberSchema) => new Declared(path, rule, (x) => Number(x), false),
  flag: <P extends string>(path: P) =>
    new Declared(path, Joi.boolean().truthy('1', 'yes').falsy('0', 'no'), (x) => x === true, false),
  /** Comma-separated values; blanks dropped, duplicates kept once. */
  list: <P extends string>(path: P, item: RegExp = /^[^,]*$/) =>
    new Declared(
      path,
      Joi.string()
        .allow('')
        .custom((value: string, helpers) =>
          value.split(',').every((s) => item.test(s.trim()))
            ? value
            : helpers.message({ custom: '{{#label}} must be a comma-separated list of valid items' }),
        ),
      (x): readonly string[] => [
        ...new Set(
          String(x)
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ],
      false,
    ),
  /** One of fixed words. */
  choice: <const C extends string, P extends string>(path: P, choices: readonly C[]) =>
    new Declared(
      path,
      Joi.string().valid(...choices),
      (x): C => {
        const found = choices.find((c) => c === x);
        if (found === undefined) throw new Error(`${path}: ${String(x)} is not one of ${choices.join(', ')}`);
        return found;
      },
      false,
    ),
  /** A URL of the given schemes, trailing slashes removed. */
  url: <P extends string>(path: P, schemes: string[]) =>
    new Declared(path, Joi.string().uri({ scheme: schemes }), (x) => trimSlashes(String(x)), false),
};

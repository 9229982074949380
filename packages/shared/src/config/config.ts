import type { apps, AppName } from './apps';
import type { ValueOf } from './variable';
import type { VariableName, Variables } from './variables';

// The configuration types, derived from the declarations: each variable's value lands at its `path`, nullable
// unless it has a default or the app requires it. Nothing here is written by hand per variable.

type Nest<P extends string, T> = P extends `${infer Head}.${infer Rest}`
  ? { readonly [K in Head]: Nest<Rest, T> }
  : { readonly [K in P]: T };
type Intersect<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
/** Merges the intersection of nested objects into one plain object type (readable in editors and errors). */
type Merge<T> = T extends readonly unknown[] ? T : T extends object ? { readonly [K in keyof T]: Merge<T[K]> } : T;

/** The configuration of a set of variables, `Required` ones non-nullable. */
export type ConfigOf<Names extends VariableName, Required extends VariableName = never> = Merge<
  Intersect<
    {
      [N in Names]: Nest<
        Variables[N]['path'],
        N extends Required ? NonNullable<ValueOf<Variables[N]>> : ValueOf<Variables[N]>
      >;
    }[Names]
  >
>;

/** What the loader adds to every configuration. */
export interface LoadedFacts<A extends AppName> {
  readonly app: A;
  /** The secret values themselves (every secret variable set in the environment, and Redis's password), for redaction. */
  readonly secrets: readonly string[];
}

type Loads<A extends AppName> = (typeof apps)[A]['loads'][number];
type Required<A extends AppName> = (typeof apps)[A]['required'][number];

/**
 * The typed, frozen configuration `loadConfig(app)` returns: exactly the part that app loads. (Every app loads the
 * base part; saying so lets code generic in the app read it.)
 */
export type AppConfig<A extends AppName> = Merge<LoadedFacts<A> & ConfigOf<Loads<A>, Required<A>>> & BaseConfig;

export type IngestApiConfig = AppConfig<'ingest-api'>;
export type ProcessorConfig = AppConfig<'processor-worker'>;
export type Ms4SenderConfig = AppConfig<'ms4-sender'>;
export type ToolConfig = AppConfig<'tool'>;
export type CliConfig = AppConfig<'cli'>;

/** What every app loads (Redis, queues, jobs, logging, shutdown): what the shared runtime is built from. */
export type BaseConfig = Merge<LoadedFacts<AppName> & ConfigOf<Loads<'tool'>>>;
/** The Graph settings ingest-api and processor-worker share (credentials required; ingest-api has more). */
export type GraphSettings = ProcessorConfig['graph'];
export type StorageSettings = ProcessorConfig['storage'];
export type RedisSettings = BaseConfig['redis'];
export type JobSettings = BaseConfig['jobs'];

export type AuthMode = GraphSettings['authMode'];
export type IngestRole = IngestApiConfig['ingestRoles'][number];

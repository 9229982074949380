// Compile-time checks of the configuration types derived from the variable declarations (see job-map.typecheck.ts
// for how these work: each `@ts-expect-error` line must fail to compile). Nothing here runs.
import type { IngestApiConfig, Ms4SenderConfig, ProcessorConfig, ToolConfig } from '../src';

declare const ingest: IngestApiConfig;
declare const processor: ProcessorConfig;
declare const sender: Ms4SenderConfig;
declare const tool: ToolConfig;

// Required values are non-nullable in the type of the app that requires them.
export const token: string = ingest.http.controlApiToken;
export const secret: string = processor.graph.clientSecret;
export const ms4Url: string = sender.ms4.baseUrl;
// Values with a default are never null; optional ones are.
export const port: number = ingest.http.port;
export const windowMs: number = processor.graph.windowMs;
export const roles: readonly ('http' | 'sync')[] = ingest.ingestRoles;
export const authMode: 'app' | 'delegated' = processor.graph.authMode;
export const prefix: string = tool.redis.queuePrefix;
// @ts-expect-error TOKEN_CACHE_KEY is optional outside production and delegated mode
export const cacheKey: string = processor.graph.tokenCacheKey;
// @ts-expect-error MS4_API_TOKEN is optional outside production
export const ms4Token: string = sender.ms4.apiToken;
// @ts-expect-error an app has only the part it loads: the sender has no Graph settings
export const senderGraph = sender.graph;
// @ts-expect-error ...and a tool has no control API token
export const toolToken = tool.http.controlApiToken;
// @ts-expect-error the configuration is read-only
ingest.http.port = 1;

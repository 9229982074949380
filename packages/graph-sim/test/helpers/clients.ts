import { ConfidentialClientApplication } from '@azure/msal-node';
import { Client, type AuthenticationProvider } from '@microsoft/microsoft-graph-client';
import type { GraphSim } from '../../src';

export const CLIENT_ID = '11111111-2222-3333-4444-555555555555';
export const CLIENT_SECRET = 'graph-sim-secret';
export const TENANT = 'contoso.example';

/** What clients need of a graph-sim, started in-process or from the command line. */
export type SimUrls = Pick<GraphSim, 'authorityHost' | 'graphBaseUrl' | 'adminUrl'>;

export function msalApp(
  sim: SimUrls,
  clientSecret = CLIENT_SECRET,
  clientId = CLIENT_ID,
): ConfidentialClientApplication {
  const host = new URL(sim.authorityHost).host;
  return new ConfidentialClientApplication({
    auth: { clientId, clientSecret, authority: `${sim.authorityHost}/${TENANT}`, knownAuthorities: [host] },
  });
}

export function appTokenProvider(app: ConfidentialClientApplication): AuthenticationProvider {
  return {
    getAccessToken: async () => {
      const r = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
      if (!r) throw new Error('no token');
      return r.accessToken;
    },
  };
}

/** The real Graph SDK pointed at the sim (bearer token attached because 127.0.0.1 is a custom host). */
export function graphClient(sim: SimUrls, app = msalApp(sim)): Client {
  return Client.initWithMiddleware({
    authProvider: appTokenProvider(app),
    baseUrl: `${sim.authorityHost}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(sim.authorityHost).hostname]),
  });
}

export async function appToken(sim: SimUrls): Promise<string> {
  const r = await msalApp(sim).acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
  if (!r) throw new Error('no token');
  return r.accessToken;
}

/** Admin API call (JSON). */
export async function admin<T>(
  sim: SimUrls,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function graphFetch(sim: SimUrls, token: string, path: string, init: RequestInit = {}): Promise<Response> {
  const url = path.startsWith('https://') ? path : `${sim.graphBaseUrl}${path}`;
  return fetch(url, {
    ...init,
    headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) },
  });
}

export function sampleMessage(i: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    subject: `Invoice ${i}`,
    from: { emailAddress: { name: 'Supplier', address: 'billing@supplier.example' } },
    toRecipients: [{ emailAddress: { address: 'ap@contoso.example' } }],
    receivedDateTime: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString().replace('.000', ''),
    body: { contentType: 'text', content: `Please find invoice ${i} attached.` },
    attachments: [
      {
        '@odata.type': '#microsoft.graph.fileAttachment',
        name: `invoice-${i}.pdf`,
        contentType: 'application/pdf',
        contentBytes: Buffer.from(`%PDF-1.4 invoice ${i}`).toString('base64'),
      },
    ],
    ...extra,
  };
}

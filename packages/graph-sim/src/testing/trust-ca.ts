import { rootCertificates } from 'node:tls';
import { Agent, fetch as undiciFetch, setGlobalDispatcher } from 'undici';

const extra = new Set<string>();

/**
 * Makes the current process (or Jest test context) trust graph-sim's CA for global fetch, which both
 * @azure/msal-node (v3+) and @microsoft/microsoft-graph-client use on Node 20.
 *
 * It installs an undici Agent whose TLS options carry the system roots plus every CA passed so far, and points
 * `globalThis.fetch` at the undici package's fetch: under Jest the test's globalThis is a VM context, so Node's
 * built-in fetch would not see a dispatcher set there. For child processes, prefer NODE_EXTRA_CA_CERTS=caFile
 * (read only at process start).
 */
export function trustCa(caPem: string): void {
  extra.add(caPem);
  setGlobalDispatcher(new Agent({ connect: { ca: [...rootCertificates, ...extra] } }));
  globalThis.fetch = undiciFetch as unknown as typeof fetch;
}

import { createHash } from 'node:crypto';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Tenant GUID for an authority path segment: a GUID as is, a name (common, contoso.example) mapped deterministically. */
export function tenantGuid(tenant: string, configured?: string): string {
  if (GUID.test(tenant)) return tenant.toLowerCase();
  if (configured && GUID.test(configured)) return configured.toLowerCase();
  const h = createHash('sha1').update(tenant.toLowerCase()).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export function guidFor(text: string): string {
  return tenantGuid(`x:${text}`);
}

/** Properties a client may PATCH on a received message. */
const PATCHABLE = new Set(['isRead', 'categories', 'flag', 'importance', 'inferenceClassification']);

/** A PATCH that Graph refuses (400 naming the property). */
export class PatchError extends Error {}

export function checkPatch(patch: Record<string, unknown>): void {
  for (const k of Object.keys(patch))
    if (!PATCHABLE.has(k))
      throw new PatchError(`Property '${k}' is read-only or cannot be updated on a received message.`);
  if ('isRead' in patch && typeof patch.isRead !== 'boolean')
    throw new PatchError("Property 'isRead' must be a Boolean.");
  if (
    'categories' in patch &&
    (!Array.isArray(patch.categories) || patch.categories.some((c: unknown) => typeof c !== 'string'))
  )
    throw new PatchError("Property 'categories' must be an array of strings.");
}

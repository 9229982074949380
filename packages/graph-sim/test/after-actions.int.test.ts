import { BatchRequestContent, BatchResponseContent, type Client } from '@microsoft/microsoft-graph-client';
import type { MailFolder, Message, Subscription } from '@microsoft/microsoft-graph-types';
import { startGraphSim, type GraphSim } from '../src';
import { admin, appToken, graphClient, graphFetch, sampleMessage } from './helpers/clients';
import { startReceiver, waitFor, type Receiver } from './helpers/receiver';
import { trustCa } from './helpers/trust-ca';

const IMMUTABLE = { Prefer: 'IdType="ImmutableId"' };

type DeltaItem = Message & { '@removed'?: { reason: string } };

interface AdminMessage {
  id: string;
  folder: string;
  isRead: boolean;
  categories: string[];
}

/** One full delta round from a link (or the start), with or without immutable ids. */
async function deltaRound(
  sim: GraphSim,
  token: string,
  start: string,
  immutable: boolean,
): Promise<{ items: DeltaItem[]; deltaLink: string }> {
  const items: DeltaItem[] = [];
  let url: string | undefined = start;
  let deltaLink = '';
  while (url) {
    const headers: Record<string, string> = {
      prefer: `odata.maxpagesize=2${immutable ? ', IdType="ImmutableId"' : ''}`,
    };
    const res = await graphFetch(sim, token, url, { headers });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { value: DeltaItem[]; '@odata.nextLink'?: string; '@odata.deltaLink'?: string };
    items.push(...page.value);
    url = page['@odata.nextLink'];
    deltaLink = page['@odata.deltaLink'] ?? deltaLink;
  }
  return { items, deltaLink };
}

describe('after-actions: move, PATCH, immutable ids, delta and subscriptions per folder', () => {
  let sim: GraphSim;
  let client: Client;
  let token: string;
  let rec: Receiver;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0 });
    trustCa(sim.caPem);
    client = graphClient(sim);
    token = await appToken(sim);
    rec = await startReceiver();
  });
  afterAll(async () => {
    await sim.stop();
    await new Promise((r) => rec.server.close(r));
  });

  async function inject(mb: string, i: number, folder = 'inbox'): Promise<string> {
    const r = await admin<{ id: string }>(sim, 'POST', `/users/${mb}/messages`, sampleMessage(i, { folder }));
    expect(r.status).toBe(201);
    return r.body.id;
  }

  async function listed(mb: string): Promise<AdminMessage[]> {
    return (await admin<{ messages: AdminMessage[] }>(sim, 'GET', `/users/${mb}/messages`)).body.messages;
  }

  async function folderId(mb: string, path: string): Promise<string> {
    const [top, child] = path.split('/');
    const parent = (await client.api(`/users/${mb}/mailFolders/${top}`).get()) as MailFolder;
    const kids = (await client
      .api(`/users/${mb}/mailFolders/${parent.id}/childFolders`)
      .filter(`displayName eq '${child}'`)
      .get()) as { value: MailFolder[] };
    return kids.value[0].id ?? '';
  }

  it('move without immutable ids gives a new id (the old one is gone); with them the id stays, everywhere', async () => {
    const MB = 'move@contoso.example';
    const a = await inject(MB, 1);
    const b = await inject(MB, 2);
    await inject(MB, 3, 'inbox/Processed');
    const processed = await folderId(MB, 'inbox/Processed');

    const movedA = (await client.api(`/users/${MB}/messages/${a}/move`).post({ destinationId: processed })) as Message;
    expect(movedA.id).not.toBe(a);
    expect(movedA.parentFolderId).toBe(processed);
    expect((await graphFetch(sim, token, `/users/${MB}/messages/${a}`)).status).toBe(404);
    expect((await graphFetch(sim, token, `/users/${MB}/messages/${movedA.id}`)).status).toBe(200);
    // The immutable id still finds it, for a request that asks for immutable ids.
    const byKey = (await client.api(`/users/${MB}/messages/${a}`).headers(IMMUTABLE).get()) as Message;
    expect(byKey.id).toBe(a);

    const movedB = (await client
      .api(`/users/${MB}/messages/${b}/move`)
      .headers(IMMUTABLE)
      .post({ destinationId: 'archive' })) as Message;
    expect(movedB.id).toBe(b);
    const archived = (await client.api(`/users/${MB}/mailFolders/archive/messages`).headers(IMMUTABLE).get()) as {
      value: Message[];
    };
    expect(archived.value.map((m) => m.id)).toEqual([b]);
    const archivedDefault = (await client.api(`/users/${MB}/mailFolders/archive/messages`).get()) as {
      value: Message[];
    };
    expect(archivedDefault.value[0].id).not.toBe(b);

    const admins = await listed(MB);
    expect(admins.find((m) => m.id === a)?.folder).toBe('inbox/Processed');
    expect(admins.find((m) => m.id === b)?.folder).toBe('archive');

    const missing = await graphFetch(sim, token, `/users/${MB}/messages/${movedA.id}/move`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ destinationId: 'no-such-folder' }),
    });
    expect(missing.status).toBe(404);
  });

  it('delta per folder: a message moved out is @removed from the source, one moved in is new in the target', async () => {
    const MB = 'delta-move@contoso.example';
    const ids = [await inject(MB, 1), await inject(MB, 2), await inject(MB, 3)];
    await inject(MB, 4, 'inbox/Suppliers');
    const suppliers = await folderId(MB, 'inbox/Suppliers');
    const rounds = {
      inboxImmutable: await deltaRound(
        sim,
        token,
        `/users/${MB}/mailFolders/inbox/messages/delta?$select=subject`,
        true,
      ),
      inboxDefault: await deltaRound(
        sim,
        token,
        `/users/${MB}/mailFolders/inbox/messages/delta?$select=subject`,
        false,
      ),
      supImmutable: await deltaRound(
        sim,
        token,
        `/users/${MB}/mailFolders/${suppliers}/messages/delta?$select=subject`,
        true,
      ),
    };
    expect(rounds.inboxImmutable.items.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(rounds.supImmutable.items).toHaveLength(1);

    await client.api(`/users/${MB}/messages/${ids[0]}/move`).headers(IMMUTABLE).post({ destinationId: suppliers });
    const movedDefault = (await client
      .api(`/users/${MB}/messages/${ids[1]}/move`)
      .post({ destinationId: suppliers })) as Message;

    const inboxImm = await deltaRound(sim, token, rounds.inboxImmutable.deltaLink, true);
    expect(inboxImm.items).toEqual(
      expect.arrayContaining([
        { id: ids[0], '@removed': { reason: 'deleted' } },
        { id: ids[1], '@removed': { reason: 'deleted' } },
      ]),
    );
    expect(inboxImm.items).toHaveLength(2);
    const inboxDef = await deltaRound(sim, token, rounds.inboxDefault.deltaLink, false);
    expect(inboxDef.items.map((m) => m.id).sort()).toEqual([ids[0], ids[1]].sort()); // the default ids it had there
    expect(inboxDef.items.every((m) => m['@removed'])).toBe(true);

    const supImm = await deltaRound(sim, token, rounds.supImmutable.deltaLink, true);
    expect(supImm.items.map((m) => m.id).sort()).toEqual([ids[0], ids[1]].sort());
    expect(supImm.items.every((m) => !m['@removed'] && m.subject)).toBe(true);
    // The same round read with default ids names the moved message by its new default id.
    const supDefault = await deltaRound(
      sim,
      token,
      `/users/${MB}/mailFolders/${suppliers}/messages/delta?$select=subject`,
      false,
    );
    expect(supDefault.items.map((m) => m.id)).toContain(movedDefault.id);
    expect(supDefault.items.map((m) => m.id)).not.toContain(ids[1]);
  });

  it('PATCH of isRead and categories, shown to Graph and to the admin API; a wrong type is a 400 naming it', async () => {
    const MB = 'patch@contoso.example';
    const id = await inject(MB, 1);
    const patched = (await client
      .api(`/users/${MB}/messages/${id}`)
      .headers(IMMUTABLE)
      .patch({ isRead: true, categories: ['MS1: forwarded'] })) as Message;
    expect(patched).toMatchObject({ id, isRead: true, categories: ['MS1: forwarded'] });
    expect((await listed(MB))[0]).toMatchObject({ id, isRead: true, categories: ['MS1: forwarded'] });
    const bad = await graphFetch(sim, token, `/users/${MB}/messages/${id}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ isRead: 'yes' }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('isRead');
  });

  it('$batch carries PATCH and move (immutable ids asked per inner request), each under the mailbox limits', async () => {
    const MB = 'batch@contoso.example';
    const ids = [await inject(MB, 1), await inject(MB, 2)];
    await inject(MB, 3, 'inbox/Processed');
    const processed = await folderId(MB, 'inbox/Processed');
    const jsonHeaders = { 'Content-Type': 'application/json', ...IMMUTABLE };
    const batch = new BatchRequestContent([
      {
        id: 'read',
        request: new Request(`${sim.graphBaseUrl}/users/${MB}/messages/${ids[0]}`, {
          method: 'PATCH',
          headers: jsonHeaders,
          body: JSON.stringify({ isRead: true, categories: ['MS1: forwarded'] }),
        }),
      },
      {
        id: 'move',
        dependsOn: ['read'],
        request: new Request(`${sim.graphBaseUrl}/users/${MB}/messages/${ids[0]}/move`, {
          method: 'POST',
          headers: jsonHeaders,
          body: JSON.stringify({ destinationId: processed }),
        }),
      },
      {
        id: 'tag',
        dependsOn: ['read'], // the SDK admits parallel, serial, or one shared dependency
        request: new Request(`${sim.graphBaseUrl}/users/${MB}/messages/${ids[1]}`, {
          method: 'PATCH',
          headers: jsonHeaders,
          body: JSON.stringify({ categories: ['MS1: not an invoice'] }),
        }),
      },
    ]);
    const res = new BatchResponseContent(await client.api('/$batch').post(await batch.getContent()));
    expect(res.getResponseById('read').status).toBe(200);
    expect(res.getResponseById('move').status).toBe(201);
    expect(((await res.getResponseById('move').json()) as Message).id).toBe(ids[0]);
    expect(res.getResponseById('tag').status).toBe(200);
    const after = await listed(MB);
    expect(after.find((m) => m.id === ids[0])).toMatchObject({
      folder: 'inbox/Processed',
      isRead: true,
      categories: ['MS1: forwarded'],
    });
    expect(after.find((m) => m.id === ids[1])).toMatchObject({ folder: 'inbox', categories: ['MS1: not an invoice'] });
  });

  it('subscriptions per folder hear a message moved in, with the ids they asked for, and not mail of other folders', async () => {
    const MB = 'subs@contoso.example';
    const id = await inject(MB, 1);
    await inject(MB, 2, 'inbox/Suppliers');
    const suppliers = await folderId(MB, 'inbox/Suppliers');
    const expirationDateTime = new Date(Date.now() + 3_600_000).toISOString();
    const common = { changeType: 'created,deleted', notificationUrl: `${rec.url}/notify`, expirationDateTime };
    const immutableSub = (await client
      .api('/subscriptions')
      .headers(IMMUTABLE)
      .post({
        ...common,
        resource: `users/${MB}/mailFolders('${suppliers}')/messages`,
        clientState: 'imm',
      })) as Subscription;
    const defaultSub = (await client.api('/subscriptions').post({
      ...common,
      resource: `/users/${MB}/mailFolders/${suppliers}/messages`,
      clientState: 'def',
    })) as Subscription;
    rec.notifications.length = 0;

    await inject(MB, 3); // inbox: neither subscription hears it
    const moved = (await client.api(`/users/${MB}/messages/${id}/move`).post({ destinationId: suppliers })) as Message;
    await waitFor(() => rec.notifications.flatMap((c) => c.value ?? []).length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    const heard = rec.notifications.flatMap((c) => c.value ?? []);
    expect(heard).toHaveLength(2);
    const imm = heard.find((n) => n.subscriptionId === immutableSub.id);
    const def = heard.find((n) => n.subscriptionId === defaultSub.id);
    expect(imm).toMatchObject({ changeType: 'created', resourceData: { id } });
    expect(def).toMatchObject({ changeType: 'created', resourceData: { id: moved.id } });
  });
});

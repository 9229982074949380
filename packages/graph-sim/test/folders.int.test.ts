import { PageIterator, type Client, type PageCollection } from '@microsoft/microsoft-graph-client';
import type { MailFolder } from '@microsoft/microsoft-graph-types';
import { startGraphSim, type GraphSim } from '../src';
import { admin, appToken, graphClient, graphFetch, sampleMessage } from './helpers/clients';
import { trustCa } from './helpers/trust-ca';

const MB = 'folders@contoso.example';

interface AdminMessage {
  id: string;
  folder: string;
  isRead: boolean;
  categories: string[];
  subject: string;
}

async function adminMessages(sim: GraphSim): Promise<AdminMessage[]> {
  return (await admin<{ messages: AdminMessage[] }>(sim, 'GET', `/users/${MB}/messages`)).body.messages;
}

describe('mail folders (real @microsoft/microsoft-graph-client)', () => {
  let sim: GraphSim;
  let client: Client;
  let token: string;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MB] });
    trustCa(sim.caPem);
    client = graphClient(sim);
    token = await appToken(sim);
  });
  afterAll(() => sim.stop());

  it('lists the well-known folders under the root by name, 10 a page, with $filter on displayName', async () => {
    const first = (await client.api(`/users/${MB}/mailFolders`).top(3).get()) as PageCollection;
    expect(first['@odata.nextLink']).toContain('$skip=3');
    const names: string[] = [];
    await new PageIterator(client, first, (f: MailFolder) => {
      names.push(f.displayName ?? '');
      return true;
    }).iterate();
    expect(names).toEqual([
      'Archive',
      'Conversation History',
      'Deleted Items',
      'Drafts',
      'Inbox',
      'Junk Email',
      'Outbox',
      'Sent Items',
    ]);
    const inbox = (await client.api(`/users/${MB}/mailFolders`).filter("displayName eq 'inbox'").get()) as {
      value: MailFolder[];
    };
    expect(inbox.value.map((f) => f.displayName)).toEqual(['Inbox']);
    const byName = (await client.api(`/users/${MB}/mailFolders('deleteditems')`).get()) as MailFolder;
    expect(byName.displayName).toBe('Deleted Items');
    const bad = await graphFetch(sim, token, `/users/${MB}/mailFolders?$filter=startswith(displayName,'In')`);
    expect(bad.status).toBe(400);
  });

  it('creates child folders, refuses a duplicate name (409), reads them through childFolders', async () => {
    const suppliers = (await client
      .api(`/users/${MB}/mailFolders/inbox/childFolders`)
      .post({ displayName: 'Suppliers' })) as MailFolder;
    expect(suppliers).toMatchObject({ displayName: 'Suppliers', childFolderCount: 0, totalItemCount: 0 });
    const inbox = (await client.api(`/users/${MB}/mailFolders/inbox`).get()) as MailFolder;
    expect(suppliers.parentFolderId).toBe(inbox.id);
    expect(inbox.childFolderCount).toBe(1);

    const dup = await graphFetch(sim, token, `/users/${MB}/mailFolders/inbox/childFolders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: 'suppliers' }),
    });
    expect(dup.status).toBe(409);
    expect(((await dup.json()) as { error: { code: string } }).error.code).toBe('ErrorFolderExists');
    const noName = await graphFetch(sim, token, `/users/${MB}/mailFolders/inbox/childFolders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({}),
    });
    expect(noName.status).toBe(400);

    const processed = (await client
      .api(`/users/${MB}/mailFolders/inbox/childFolders/${suppliers.id}/childFolders`)
      .post({ displayName: 'Processed' })) as MailFolder;
    const viaChain = (await client
      .api(`/users/${MB}/mailFolders/inbox/childFolders/${suppliers.id}/childFolders/${processed.id}`)
      .get()) as MailFolder;
    expect(viaChain.id).toBe(processed.id);
    const wrongParent = await graphFetch(sim, token, `/users/${MB}/mailFolders/archive/childFolders/${processed.id}`);
    expect(wrongParent.status).toBe(404);
    const filtered = (await client
      .api(`/users/${MB}/mailFolders/${suppliers.id}/childFolders`)
      .filter("displayName eq 'Processed'")
      .get()) as { value: MailFolder[] };
    expect(filtered.value.map((f) => f.id)).toEqual([processed.id]);
    const top = (await client.api(`/users/${MB}/mailFolders`).post({ displayName: 'Projects' })) as MailFolder;
    expect(top.parentFolderId).toBe(inbox.parentFolderId);
  });

  it('admin inject takes a folder path (created when missing) and lists id, folder, isRead, categories', async () => {
    const a = await admin<{ id: string }>(
      sim,
      'POST',
      `/users/${MB}/messages`,
      sampleMessage(1, { folder: 'inbox/Suppliers' }),
    );
    const b = await admin<{ id: string }>(
      sim,
      'POST',
      `/users/${MB}/messages`,
      sampleMessage(2, { folder: 'Inbox/Suppliers/2026', isRead: true, categories: ['Blue'] }),
    );
    const c = await admin<{ id: string }>(sim, 'POST', `/users/${MB}/messages`, sampleMessage(3));
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    const listed = await adminMessages(sim);
    expect(listed.find((m) => m.id === a.body.id)).toMatchObject({
      folder: 'inbox/Suppliers',
      isRead: false,
      categories: [],
    });
    expect(listed.find((m) => m.id === b.body.id)).toMatchObject({
      folder: 'inbox/Suppliers/2026',
      isRead: true,
      categories: ['Blue'],
    });
    expect(listed.find((m) => m.id === c.body.id)?.folder).toBe('inbox');

    const suppliers = (
      (await client.api(`/users/${MB}/mailFolders/inbox/childFolders`).filter("displayName eq 'Suppliers'").get()) as {
        value: MailFolder[];
      }
    ).value[0];
    expect(suppliers).toMatchObject({ totalItemCount: 1, unreadItemCount: 1, childFolderCount: 2 });
    const inFolder = (await client.api(`/users/${MB}/mailFolders/${suppliers.id}/messages`).get()) as {
      value: { id: string }[];
    };
    expect(inFolder.value.map((m) => m.id)).toEqual([a.body.id]);

    for (const folder of ['', 'inbox//x', 5]) {
      const bad = await admin<{ error: { message: string } }>(
        sim,
        'POST',
        `/users/${MB}/messages`,
        sampleMessage(9, { folder }),
      );
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toContain('folder');
    }
    const unknownProp = await admin<{ error: { message: string } }>(
      sim,
      'POST',
      `/users/${MB}/messages`,
      sampleMessage(9, { colour: 'red' }),
    );
    expect(unknownProp.status).toBe(400);
    expect(unknownProp.body.error.message).toContain("'colour'");
  });
});

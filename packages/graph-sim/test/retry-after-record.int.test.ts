import { startGraphSim, type GraphSim, type StatsSnapshot } from '../src';
import { admin, appToken, graphFetch } from './helpers/clients';
import { trustCa } from './helpers/trust-ca';

// graph-sim records the pauses its 429s ask for and the requests that arrive inside them, so a test can tell a
// client that obeys Retry-After from one that does not (by what the server saw, not by a clock on the client).
const MB = 'paused@contoso.example';
const OTHER = 'other@contoso.example';

describe('the Retry-After pauses graph-sim gave, as it records them', () => {
  let sim: GraphSim;
  let token: string;
  const stats = async () => (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MB, OTHER] });
    trustCa(sim.caPem);
    token = await appToken(sim);
  });
  afterAll(() => sim.stop());

  it('counts a request that comes back inside the pause, and none that waits for it or goes elsewhere', async () => {
    expect((await graphFetch(sim, token, `/users/${MB}/mailFolders`)).status).toBe(200);
    // The next two requests to the mailbox are refused whatever the clock (a request window would free itself
    // after a slow first request and admit the second), each asking for a 5 s pause: a client coming straight back
    // lands inside the first one.
    await admin(sim, 'PUT', '/config', { throttleNext: { count: 2, retryAfterSeconds: 5, mailbox: MB } });
    const refused = await graphFetch(sim, token, `/users/${MB}/mailFolders`);
    expect(refused.status).toBe(429);
    const retryAfterS = Number(refused.headers.get('retry-after'));
    expect(retryAfterS).toBe(5);
    let s = await stats();
    expect(s.retryAfter.given).toBe(1);
    expect(s.retryAfter.byMailbox[MB]).toEqual({ given: 1, arrivalsInside: 0, maxArrivalsInOne: 0 });

    // Another mailbox is not paused by this one's 429.
    expect((await graphFetch(sim, token, `/users/${OTHER}/mailFolders`)).status).toBe(200);
    // Coming straight back breaks the pause (and earns another 429, hence another pause).
    const again = await graphFetch(sim, token, `/users/${MB}/mailFolders`);
    expect(again.status).toBe(429);
    s = await stats();
    expect(s.retryAfter.arrivalsInside).toBe(1);
    expect(s.retryAfter.byMailbox[MB]).toEqual({ given: 2, arrivalsInside: 1, maxArrivalsInOne: 1 });
    expect(s.retryAfter.byMailbox[OTHER]).toBeUndefined();

    // A client that waits out the longest Retry-After it was given arrives after every pause.
    const longestS = Math.max(retryAfterS, Number(again.headers.get('retry-after')));
    await new Promise((r) => setTimeout(r, longestS * 1000 + 100));
    await admin(sim, 'PUT', '/config', { throttle: false });
    expect((await graphFetch(sim, token, `/users/${MB}/mailFolders`)).status).toBe(200);
    s = await stats();
    expect(s.retryAfter.byMailbox[MB]).toEqual({ given: 2, arrivalsInside: 1, maxArrivalsInOne: 1 });
  });
});

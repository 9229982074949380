import { QueueName } from '@ms1/shared';
import type { AppName } from './helpers/app-handle';
import { expectComplete } from './helpers/completeness';
import { runCase, stopAllSystems } from './helpers/system';

// The whole pipeline on a local 3-master Redis Cluster (the apps get REDIS_CLUSTER_NODES), with two processes of
// every role: ingest-api plus a sync-only ingest-api replica, two processor-workers, two ms4-senders. 2,000 e-mails
// from 3 mailboxes end complete at MS4, and no app ever met a CROSSSLOT error (every multi-key script and
// transaction keeps its keys in the prefix's one slot).
const MAILBOXES = ['cluster-a@contoso.example', 'cluster-b@contoso.example', 'cluster-c@contoso.example'];
const EMAILS_PER_MAILBOX = [667, 667, 666];

const QUEUE_OF: Record<AppName, QueueName> = {
  'ingest-api': QueueName.MailSync,
  'processor-worker': QueueName.EmailInbound,
  'ms4-sender': QueueName.Ms4Outbound,
};

afterEach(stopAllSystems);

describe('MS1 on a 3-master Redis Cluster, two replicas of every worker app', () => {
  it('2,000 e-mails from 3 mailboxes end complete at MS4, with no CROSSSLOT error in any app', async () => {
    await runCase(
      {
        label: 'cluster',
        mailboxes: MAILBOXES,
        redisCluster: true,
        replicas: { 'ingest-api': 1, 'processor-worker': 1, 'ms4-sender': 1 },
      },
      async (sys) => {
        for (const [i, mailbox] of MAILBOXES.entries()) await sys.seed(mailbox, EMAILS_PER_MAILBOX[i] ?? 0, 2000 + i);
        await sys.startApps();
        await sys.startSession();
        const figures = await expectComplete(sys, { timeoutMs: 300_000 });
        expect(figures.emails).toBe(2000);

        // Both processes of each worker role did work (their own job counters), so the run proves replicas sharing
        // the cluster's queues, not one process doing everything.
        const share: string[] = [];
        for (const app of [sys.apps['processor-worker'], sys.apps['ms4-sender'], ...sys.replicas]) {
          const queue = QUEUE_OF[app.name];
          const done = await app.completedJobs(queue);
          share.push(`${app.name} ${done} ${queue}`);
          expect({ app: app.name, worked: done > 0 }).toEqual({ app: app.name, worked: true });
        }

        const apps = sys.allApps();
        expect(apps).toHaveLength(6);
        for (const app of apps)
          expect({ app: app.name, crossSlot: /CROSSSLOT/i.test(app.output()) }).toEqual({
            app: app.name,
            crossSlot: false,
          });
        console.log(`redis cluster: ${JSON.stringify(figures)}; jobs completed: ${share.join(', ')}`);
      },
    );
  }, 600_000);
});

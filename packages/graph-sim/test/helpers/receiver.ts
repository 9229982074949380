import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import type { ChangeNotificationCollection } from '@microsoft/microsoft-graph-types';

/** A local webhook endpoint: answers Graph's validation handshake and records what it is sent. */
export interface Receiver {
  url: string;
  notifications: ChangeNotificationCollection[];
  lifecycle: ChangeNotificationCollection[];
  validations: string[];
  server: Server;
  failValidation: boolean;
  failNotifications: boolean;
}

export async function startReceiver(): Promise<Receiver> {
  const app = express();
  app.use(express.json());
  const notifications: ChangeNotificationCollection[] = [];
  const lifecycle: ChangeNotificationCollection[] = [];
  const validations: string[] = [];
  const flags = { failValidation: false, failNotifications: false };
  const handler = (list: ChangeNotificationCollection[]) => (req: express.Request, res: express.Response) => {
    const token = req.query.validationToken;
    if (typeof token === 'string') {
      validations.push(token);
      if (rec.failValidation) return res.status(500).end();
      return res.status(200).type('text/plain').send(token);
    }
    if (rec.failNotifications) return res.status(503).end();
    list.push(req.body as ChangeNotificationCollection);
    res.status(202).end();
  };
  app.post('/notify', handler(notifications));
  app.post('/lifecycle', handler(lifecycle));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const rec: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    notifications,
    lifecycle,
    validations,
    server,
    ...flags,
  };
  return rec;
}

export async function waitFor(cond: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

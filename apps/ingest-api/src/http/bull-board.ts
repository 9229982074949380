import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Express } from 'express';
import { allQueues, QueueName, type Producer } from '@ms1/shared';

export const BULL_BOARD_PATH = '/admin/queues';

/** Bull Board over every queue, the dead-letter queue included (read-only there: replay goes through the API). */
export function bullBoardRouter(producer: Producer): Express {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({
    queues: allQueues.map(
      (name) => new BullMQAdapter(producer.queue(name), { readOnlyMode: name === QueueName.DeadLetter, prefix: '' }),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'MS1 queues' } },
  });
  const board: Express = serverAdapter.getRouter();
  // Bull Board is an Express app of its own, which would announce itself again on every answer.
  board.disable('x-powered-by');
  return board;
}

import { onceEvery, withContext } from '../src';
import { memoryLogger } from './helpers';

describe('logger', () => {
  it('redacts configured secrets in messages, metadata and errors', () => {
    const secret = 'client-secret-98765';
    const { logger, text } = memoryLogger([secret]);
    logger.info(`token request with ${secret}`, { body: `client_secret=${secret}&grant_type=client_credentials` });
    logger.error('failed', { err: new Error(`upstream said ${secret}`) });
    expect(text()).not.toContain(secret);
    expect(text()).toContain('[redacted]');
  });

  it('redacts values under secret-looking keys and bearer tokens', () => {
    const { logger, text, lines } = memoryLogger([]);
    logger.warn('calling graph', {
      headers: { Authorization: 'Bearer eyJhbGciOi.payload.sig' },
      clientState: 'state-abc-123',
      password: 'hunter2-hunter2',
    });
    logger.info('raw header Bearer eyJ0eXAiOiJKV1Qi.more');
    expect(text()).not.toMatch(/eyJ|state-abc-123|hunter2/);
    expect(lines()[0]).toMatchObject({
      headers: { Authorization: '[redacted]' },
      clientState: '[redacted]',
      password: '[redacted]',
    });
  });

  it('carries session, mailbox, message and job ids on child loggers', () => {
    const { logger, lines } = memoryLogger();
    withContext(logger, {
      sessionId: 's1',
      mailboxId: 'ap@contoso.example',
      messageId: 'm1',
      jobId: 'j1',
      absent: undefined,
    }).info('hello');
    expect(lines()[0]).toMatchObject({
      message: 'hello',
      service: 'test',
      sessionId: 's1',
      mailboxId: 'ap@contoso.example',
      messageId: 'm1',
      jobId: 'j1',
    });
    expect(lines()[0]).not.toHaveProperty('absent');
  });
});

describe('onceEvery', () => {
  it('opens for the first call, then once per interval of its clock', () => {
    let now = 1_000_000;
    const due = onceEvery(10_000, () => now);
    const opened: boolean[] = [];
    for (const step of [0, 1, 9_998, 1, 1, 10_000]) {
      now += step;
      opened.push(due());
    }
    // t = 0 opens; t = 1 and 9,999 do not; t = 10,000 opens; t = 10,001 does not; t = 20,001 opens.
    expect(opened).toEqual([true, false, false, true, false, true]);
  });
});

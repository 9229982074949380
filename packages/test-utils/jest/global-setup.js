// Starts one private redis-server for the whole test run (unless TEST_REDIS_URL is given), so tests never touch
// shared data. Plain JS: jest runs global setup before any transform is in place.
const { spawn } = require('node:child_process');
const net = require('node:net');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function ping(port) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.on('connect', () => sock.write('PING\r\n'));
    sock.on('data', (d) => {
      sock.destroy();
      resolve(String(d).startsWith('+PONG'));
    });
    sock.on('error', () => resolve(false));
  });
}

module.exports = async function globalSetup() {
  if (process.env.TEST_REDIS_URL) return;
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-test-redis-'));
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore', detached: false },
  );
  child.on('error', (e) => {
    throw new Error(`cannot start redis-server (${e.message}); install it or set TEST_REDIS_URL`);
  });
  for (let i = 0; i < 100; i++) {
    if (await ping(port)) break;
    if (i === 99) throw new Error('private redis-server did not answer PING');
    await new Promise((r) => setTimeout(r, 50));
  }
  child.unref();
  process.env.MS1_TEST_REDIS_PID = String(child.pid);
  process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
};

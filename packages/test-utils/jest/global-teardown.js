// Stops the private redis-server of global-setup.js (found by pid: jest may run setup and teardown in different contexts).
module.exports = async function globalTeardown() {
  const pid = Number(process.env.MS1_TEST_REDIS_PID);
  if (!pid) return;
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (let i = 0; i < 60 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
  if (alive()) process.kill(pid, 'SIGKILL');
};

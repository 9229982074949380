// The admin API under /_sim (JSON, no auth): stats, stored items and batches, live configuration, reset.
import express, { type Router } from 'express';
import { describeConfig, parseConfigInput } from './config';
import type { SimState } from './state';

export function adminRouter(state: SimState): Router {
  const router = express.Router();
  router.use(express.json({ type: () => true, limit: '1mb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/stats', (_req, res) => {
    res.json(state.stats.snapshot(state.store.uniqueKeys));
  });

  router.get('/items', (req, res) => {
    const key = req.query.invoiceKey;
    const items = state.store.allItems();
    const chosen = typeof key === 'string' ? items.filter((s) => s.item.invoiceKey === key) : items;
    // `?receipts=1`: each item as stored, with when and in which batch it first arrived (the benchmark's latencies).
    res.json(req.query.receipts === '1' ? chosen : chosen.map((s) => s.item));
  });

  router.get('/items/:invoiceKey', (req, res) => {
    const stored = state.store.getItem(req.params.invoiceKey);
    if (stored) res.json(stored);
    else res.status(404).json({ error: 'no item with this invoiceKey', invoiceKey: req.params.invoiceKey });
  });

  router.get('/batches', (_req, res) => {
    res.json(state.store.allBatches().map(({ fingerprint: _f, ...batch }) => batch));
  });

  router.get('/requests', (req, res) => {
    const after = typeof req.query.afterSeq === 'string' ? req.query.afterSeq : '0';
    if (!/^\d+$/.test(after)) {
      res.status(400).json({ error: 'afterSeq must be a whole number' });
      return;
    }
    res.json(state.requests.all(Number(after)));
  });

  router.get('/config', (_req, res) => {
    res.json(describeConfig(state.faults.current));
  });

  router.put('/config', (req, res) => {
    const parsed = parseConfigInput(req.body ?? {});
    if (!parsed.ok) {
      res.status(400).json({ error: 'invalid config', reasons: parsed.reasons });
      return;
    }
    state.faults.update(parsed.value);
    res.json(describeConfig(state.faults.current));
  });

  router.post('/reset', (_req, res) => {
    state.store.reset();
    state.stats.reset();
    state.requests.reset();
    state.faults.reset();
    res.json({ ok: true, config: describeConfig(state.faults.current) });
  });

  return router;
}

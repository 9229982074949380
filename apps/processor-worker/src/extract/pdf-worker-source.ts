// The code of the PDF reader's worker thread, as a string run with `new Worker(source, { eval: true })`.
// pdfjs-dist 5 is ESM-only; a worker thread imports it natively, outside any CommonJS/jest module system,
// and can be terminated when it overruns its time budget. The worker only talks to pdfjs and returns
// plain data (embedded files, page text); all interpretation stays in TypeScript on the calling side.
// The thread is long-lived and serves one request at a time (pdfjs is imported once).
// workerData: { pdfjsUrl: string }
// receives: { id, data: Uint8Array, maxPages: number, maxEmbeddedBytes: number }
// posts: { id, ok: true, numPages, attachments: [{ name, size, content|null }], pages: string[], warnings: string[] }
//      | { id, ok: false, errorName, message }

export const PDF_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

// pdfjs reports damaged input on the console; the caller gets the facts as data, so the thread stays quiet.
// (Capturing the thread's stdout/stderr instead would keep the process alive despite unref().)
for (const level of ['log', 'info', 'warn', 'error', 'debug']) console[level] = () => {};

function joinItems(items) {
  let out = '';
  let lastY = null;
  for (const item of items) {
    if (!item || typeof item.str !== 'string') continue;
    const y = Array.isArray(item.transform) ? item.transform[5] : null;
    if (out !== '' && !out.endsWith('\n')) {
      if (lastY !== null && y !== null && Math.abs(y - lastY) > 2) out += '\n';
      else if (!out.endsWith(' ') && !item.str.startsWith(' ')) out += ' ';
    }
    out += item.str;
    if (item.hasEOL) out += '\n';
    if (y !== null) lastY = y;
  }
  return out.replace(/[ \t]+\n/g, '\n');
}

let pdfjsPromise = null;

async function read(request) {
  const { id, data, maxPages, maxEmbeddedBytes } = request;
  if (pdfjsPromise === null) pdfjsPromise = import(workerData.pdfjsUrl);
  const pdfjs = await pdfjsPromise;
  const warnings = [];
  const task = pdfjs.getDocument({
    data,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    disableAutoFetch: true,
    stopAtErrors: false,
    verbosity: 0,
  });
  let doc;
  try {
    doc = await task.promise;
  } catch (err) {
    parentPort.postMessage({ id, ok: false, errorName: (err && err.name) || 'Error', message: String((err && err.message) || err) });
    return;
  }
  const numPages = doc.numPages;
  const attachments = [];
  try {
    const found = await doc.getAttachments();
    if (found && typeof found === 'object') {
      for (const key of Object.keys(found)) {
        const a = found[key];
        const content = a && a.content instanceof Uint8Array ? a.content : null;
        const size = content ? content.length : 0;
        attachments.push({ name: String((a && a.filename) || key), size, content: content && size <= maxEmbeddedBytes ? content : null });
      }
    }
  } catch (err) {
    warnings.push('embedded files unreadable: ' + String((err && err.message) || err));
  }
  const pages = [];
  const last = Math.min(numPages, maxPages);
  for (let i = 1; i <= last; i += 1) {
    try {
      const page = await doc.getPage(i);
      const content = await page.getTextContent();
      pages.push(joinItems(content.items));
      page.cleanup();
    } catch (err) {
      warnings.push('page ' + i + ' unreadable: ' + String((err && err.message) || err));
    }
  }
  if (numPages > last) warnings.push('text read from the first ' + last + ' of ' + numPages + ' pages');
  await doc.destroy();
  const transfer = [...new Set(attachments.filter((a) => a.content).map((a) => a.content.buffer))];
  parentPort.postMessage({ id, ok: true, numPages, attachments, pages, warnings }, transfer);
}

parentPort.on('message', (request) => {
  read(request).catch((err) => {
    parentPort.postMessage({ id: request && request.id, ok: false, errorName: (err && err.name) || 'Error', message: String((err && err.message) || err) });
  });
});
`;

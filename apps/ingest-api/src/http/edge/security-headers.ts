import type { RequestHandler } from 'express';
import helmet from 'helmet';

const common = {
  // Neither the API nor Bull Board may be framed (clickjacking): CSP frame-ancestors plus the older header.
  xFrameOptions: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
};

/** JSON and text answers load nothing, so their policy forbids everything. */
const apiHeaders = helmet({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
});

/**
 * Bull Board's page loads its own scripts, styles and images from /admin/queues and calls its API there. Its
 * markup carries inline style attributes and one <style> block, hence `'unsafe-inline'` for styles only; no
 * inline or foreign script may run. Its Google Fonts link is blocked on purpose (the page falls back to system
 * fonts and nothing leaves for a third party). Checked in headless Chromium by bull-board.int.test.ts.
 */
const boardHeaders = helmet({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
});

/** Security headers (helmet) on every answer: errors, 404s and rate-limit answers included. */
export function securityHeaders(boardPath: string): RequestHandler {
  return (req, res, next) => (req.path.startsWith(boardPath) ? boardHeaders : apiHeaders)(req, res, next);
}

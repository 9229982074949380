// The project's one copy of the EN 16931 example e-invoices (package @ms1/fixtures).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EINVOICES_DIR } from '@ms1/fixtures';

export const FIXTURES_DIR = EINVOICES_DIR;

export function fixturePath(rel: string): string {
  return path.join(FIXTURES_DIR, rel);
}

export function readFixture(rel: string): Buffer {
  return fs.readFileSync(fixturePath(rel));
}

/** Every fixture file (relative paths such as "ubl/guide-example1.xml"), README excluded. */
export function listFixtures(): string[] {
  const root = FIXTURES_DIR;
  const out: string[] = [];
  for (const dir of fs.readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(root, dir.name))) out.push(`${dir.name}/${file}`);
  }
  return out.sort();
}

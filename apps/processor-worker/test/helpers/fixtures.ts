// Locates the shared e-invoice fixtures (/work/shared/fixtures/einvoices next to the repository).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const FIXTURES_DIR = path.resolve(__dirname, '../../../../../shared/fixtures/einvoices');

export function requireFixturesDir(): string {
  if (!fs.existsSync(FIXTURES_DIR)) {
    throw new Error(
      `e-invoice fixtures not found at ${FIXTURES_DIR}: expected the shared fixtures folder beside the repository (../shared/fixtures/einvoices)`,
    );
  }
  return FIXTURES_DIR;
}

export function fixturePath(rel: string): string {
  return path.join(requireFixturesDir(), rel);
}

export function readFixture(rel: string): Buffer {
  return fs.readFileSync(fixturePath(rel));
}

/** Every fixture file (relative paths such as "ubl/guide-example1.xml"), README excluded. */
export function listFixtures(): string[] {
  const root = requireFixturesDir();
  const out: string[] = [];
  for (const dir of fs.readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    for (const file of fs.readdirSync(path.join(root, dir.name))) out.push(`${dir.name}/${file}`);
  }
  return out.sort();
}

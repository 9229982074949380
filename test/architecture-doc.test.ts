import fs from 'node:fs';
import path from 'node:path';
import { allQueues } from '@ms1/shared';

// docs/architecture.md must match the code: every `file:name` it cites exists and is defined there, every path it
// names exists, and its Redis key registry lists exactly the key families the production code builds, each owned by
// a file that builds it. Renaming a function or adding a key without the document fails here.
const root = path.resolve(__dirname, '..');
const doc = fs.readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
const read = (file: string): string => fs.readFileSync(path.join(root, file), 'utf8');
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A declaration of `name` in a TypeScript source: a function, class, constant, type, method or property. */
function declares(source: string, name: string): boolean {
  const n = escape(name);
  return [
    new RegExp(`\\b(?:class|function\\*?|const|let|var|interface|type|enum)\\s+${n}\\b`),
    new RegExp(
      `^\\s*(?:(?:export|default|public|private|protected|static|async|get|set|readonly|override)\\s+)*${n}\\s*(?:<[^>\\n]*>)?\\s*\\(`,
      'm',
    ),
    new RegExp(`^\\s*['"]?${n}['"]?\\s*[:=]`, 'm'),
  ].some((re) => re.test(source));
}

/** `apps/x/src/file.ts:Name.member` references of the document. */
function references(): { file: string; names: string[] }[] {
  const found = [
    ...doc.matchAll(/`((?:apps|packages)\/[\w./-]+\.(?:ts|mjs|js)):([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)`/g),
  ];
  return found.map((m) => ({ file: m[1] ?? '', names: (m[2] ?? '').split('.') }));
}

/** The first segment after the prefix of every key the production code builds (`session`, `graph-limit`, ...). */
function keyFamiliesInCode(): Map<string, string[]> {
  const families = new Map<string, string[]>();
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(rel);
      else if (entry.name.endsWith('.ts'))
        for (const m of read(rel).matchAll(/\$\{[\w.]*(?:keyPrefix|prefix)\}:([a-z][a-z0-9-]*)/gi)) {
          const family = m[1] ?? '';
          families.set(family, [...(families.get(family) ?? []), rel]);
        }
    }
  };
  for (const app of fs.readdirSync(path.join(root, 'apps'))) visit(path.join('apps', app, 'src'));
  visit('packages/shared/src');
  return families;
}

/** The rows of the "Written by MS1" table: the key family and the files named as its owners. */
function registryRows(): { family: string; owners: string[] }[] {
  const start = doc.indexOf('### Written by MS1');
  const table = doc.slice(start, doc.indexOf('\n\n', doc.indexOf('\n|', start) + 1));
  return table
    .split('\n')
    .filter((line) => line.startsWith('| `{ms1}:'))
    .map((line) => {
      const [, key = '', , owner = ''] = line.split('|');
      return {
        family: /`\{ms1\}:([a-z][a-z0-9-]*)/.exec(key)?.[1] ?? '',
        owners: [...owner.matchAll(/`((?:apps|packages)\/[\w./-]+\.ts)/g)].map((m) => m[1] ?? ''),
      };
    });
}

describe('docs/architecture.md', () => {
  it('cites functions, classes and methods that exist where it says', () => {
    const refs = references();
    expect(refs.length).toBeGreaterThan(80);
    const missing = refs.flatMap(({ file, names }) => {
      if (!fs.existsSync(path.join(root, file))) return [`${file} (no such file)`];
      const source = read(file);
      return names.filter((n) => !declares(source, n)).map((n) => `${file}:${names.join('.')} (${n} not declared)`);
    });
    expect(missing).toEqual([]);
  });

  it('names files and folders that exist', () => {
    const paths = [...doc.matchAll(/`((?:apps|packages|docs|test)\/[\w./-]+|eslint\.config\.js)(?::[\w.$]+)?`/g)];
    const missing = paths.map((m) => m[1] ?? '').filter((p) => !p.includes('*') && !fs.existsSync(path.join(root, p)));
    expect(missing).toEqual([]);
  });

  it('lists every key family the production code builds, and no other', () => {
    const inCode = keyFamiliesInCode();
    const documented = new Set(registryRows().map((r) => r.family));
    expect([...inCode.keys()].filter((f) => !documented.has(f))).toEqual([]);
    expect([...documented].filter((f) => !inCode.has(f))).toEqual([]);
    // The BullMQ table speaks only of queues.
    const bullmqTable = doc.slice(doc.indexOf('### Written by BullMQ'), doc.indexOf('### Written by MS1'));
    const queuesNamed = [...bullmqTable.matchAll(/`\{ms1\}:([a-z][a-z0-9-]*)/g)].map((m) => m[1] ?? '');
    expect(queuesNamed.filter((q) => q !== '<queue>' && !allQueues.some((name) => name === q))).toEqual([]);
  });

  it('names as the owner of each key family a file that builds it', () => {
    const inCode = keyFamiliesInCode();
    const wrong = registryRows().filter(({ family, owners }) => {
      const builders = inCode.get(family) ?? [];
      return !owners.some((owner) => builders.includes(owner));
    });
    expect(wrong).toEqual([]);
  });

  it('is linked from the README', () => {
    expect(read('README.md')).toContain('(docs/architecture.md)');
  });
});

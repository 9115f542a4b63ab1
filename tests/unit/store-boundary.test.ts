import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The storage boundary without ESLint (eslint.config.js holds the same rules): server/store/ owns every
 * table, nothing outside it writes SQL, imports a database driver, reaches a connection or picks an
 * engine (the composition root aside); store/ imports no domain module; routers do not ask the store.
 */

const ROOT = join(import.meta.dirname, '..', '..');
const SERVER = join(ROOT, 'server');
const STORE = join(SERVER, 'store');
const SHARED = join(ROOT, 'shared');
const HTTP = join(SERVER, 'http');
/** The modules that open an engine and hand the Store to the services. */
const COMPOSITION_ROOTS = new Set(['server/app.ts']);
/** What a router may take from the store: its error classes, to map them to HTTP answers. */
const STORE_ERRORS = new Set(['NotFoundError', 'VersionConflictError', 'InvalidCursorError']);
const DRIVER = /^(better-sqlite3|pg|pg-[\w.-]+|postgres|sqlite3|node:sqlite)(\/.*)?$/;
const SQL_STATEMENT = new RegExp(
  [
    String.raw`\bSELECT\s[\s\S]*?\bFROM\s+\w`,
    String.raw`\bINSERT\s+(OR\s+\w+\s+)?INTO\s+\w`,
    String.raw`\bUPDATE\s+\w+\s+SET\s`,
    String.raw`\bDELETE\s+FROM\s+\w`,
    String.raw`\bCREATE\s+(TEMP\s+|UNIQUE\s+|VIRTUAL\s+)?(TABLE|INDEX|TRIGGER|VIEW)\b`,
    String.raw`\b(ALTER|DROP)\s+(TABLE|INDEX|TRIGGER|VIEW)\b`,
    String.raw`\bPRAGMA\s+\w`,
    String.raw`^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)\b`,
  ].join('|'),
);
/** Methods that run SQL given as their first argument (better-sqlite3, pg). */
const SQL_METHODS = new Set(['prepare', 'exec', 'pragma', 'query']);

const rel = (file: string) => relative(ROOT, file).split(sep).join('/');
const inside = (dir: string, file: string) => file === dir || file.startsWith(dir + sep);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return sourceFiles(p);
    return /\.tsx?$/.test(d.name) && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

interface Import {
  spec: string;
  line: number;
  /** Named imports (undefined: a default, namespace, side-effect or dynamic import, or a re-export). */
  names?: string[];
}

interface Scan {
  imports: Import[];
  /** Each finding: line and what was found. */
  sql: { line: number; what: string }[];
  connection: number[];
}

/** Reads one module's imports, SQL-looking literals, SQL calls with literal text and `.connection` reaches. */
function scan(fileName: string, text: string): Scan {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const line = (n: ts.Node) => sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1;
  const out: Scan = { imports: [], sql: [], connection: [] };
  const literalText = (n: ts.Node): string | undefined => {
    if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) return n.text;
    if (ts.isTemplateExpression(n)) return [n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' ? ');
    return undefined;
  };
  const visit = (n: ts.Node): void => {
    if ((ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      const bindings = ts.isImportDeclaration(n) ? n.importClause?.namedBindings : undefined;
      const onlyNamed = ts.isImportDeclaration(n) && !n.importClause?.name && bindings && ts.isNamedImports(bindings);
      out.imports.push({
        spec: n.moduleSpecifier.text,
        line: line(n),
        ...(onlyNamed ? { names: (bindings as ts.NamedImports).elements.map((e) => (e.propertyName ?? e.name).text) } : {}),
      });
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) {
      out.imports.push({ spec: n.moduleReference.expression.text, line: line(n) });
    } else if (ts.isCallExpression(n)) {
      const [first] = n.arguments;
      const dynamic = n.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(n.expression) && n.expression.text === 'require');
      if (dynamic && first && ts.isStringLiteralLike(first)) out.imports.push({ spec: first.text, line: line(n) });
      if (ts.isPropertyAccessExpression(n.expression) && SQL_METHODS.has(n.expression.name.text) && first && literalText(first) !== undefined) {
        out.sql.push({ line: line(n), what: `.${n.expression.name.text}() with literal text` });
      }
    } else if (ts.isPropertyAccessExpression(n) && n.name.text === 'connection') {
      out.connection.push(line(n));
    } else if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression) && n.argumentExpression.text === 'connection') {
      out.connection.push(line(n));
    }
    const lit = literalText(n);
    if (lit !== undefined && !ts.isImportDeclaration(n.parent) && !ts.isExportDeclaration(n.parent) && SQL_STATEMENT.test(lit)) {
      out.sql.push({ line: line(n), what: `SQL in a literal: ${JSON.stringify(lit.trim().slice(0, 60))}` });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** The file a relative import names (`.js` written for `.ts`), or undefined for a package or built-in. */
function target(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return resolve(dirname(from), spec).replace(/\.js$/, '.ts');
}

const isBuiltin = (spec: string) => spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!);

/** Every breach of the boundary in the server's sources, as `file:line: what`. */
function breaches(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const name = rel(file);
    const s = scan(file, readFileSync(file, 'utf8'));
    const inStore = inside(STORE, file);
    for (const imp of s.imports) {
      const to = target(file, imp.spec);
      if (inStore) {
        if (to ? !inside(STORE, to) && !inside(SHARED, to) : !DRIVER.test(imp.spec) && !isBuiltin(imp.spec)) {
          found.push(`${name}:${imp.line}: server/store/ imports ${imp.spec} (only itself, shared/, Node built-ins and database drivers)`);
        }
        continue;
      }
      if (DRIVER.test(imp.spec)) found.push(`${name}:${imp.line}: imports the database driver ${imp.spec} outside server/store/`);
      if (to && inside(STORE, to) && dirname(to) !== STORE && !COMPOSITION_ROOTS.has(name)) {
        found.push(`${name}:${imp.line}: imports the engine ${rel(to)}; depend on server/store/store.ts`);
      }
      if (to && inside(HTTP, file) && inside(STORE, to)) {
        const onlyErrors = rel(to) === 'server/store/store.ts' && imp.names !== undefined && imp.names.every((n) => STORE_ERRORS.has(n));
        if (!onlyErrors) found.push(`${name}:${imp.line}: a router imports ${imp.spec}${imp.names ? ` { ${imp.names.join(', ')} }` : ''}; routers ask services`);
      }
    }
    if (inStore) continue;
    for (const l of s.connection) found.push(`${name}:${l}: reaches a database connection (.connection) outside server/store/`);
    for (const q of s.sql) found.push(`${name}:${q.line}: ${q.what} outside server/store/`);
  }
  return found;
}

describe('the storage boundary', () => {
  it('finds what it looks for (the scanner itself)', () => {
    const s = scan(
      'probe.ts',
      [
        "import Database from 'better-sqlite3';",
        "import { Pool } from 'pg';",
        "import { InvalidCursorError, type Store } from '../store/store.js';",
        "const db = new Database(':memory:');",
        "db.prepare('select 1').get();",
        'db.exec(`DELETE FROM incidents WHERE id = ${id}`);',
        "const q = 'INSERT OR IGNORE INTO idempotency_keys (a) VALUES (?)';",
        "const t = store.connection; const u = store['connection'];",
        "const sql = `SELECT team_id, count(*) FROM incidents WHERE status IN (${marks})`;",
        "const fine = 'Select a team from the list'; TOKEN.exec(token); const m = await import('pg-cursor');",
      ].join('\n'),
    );
    expect(s.imports.map((i) => i.spec)).toEqual(['better-sqlite3', 'pg', '../store/store.js', 'pg-cursor']);
    expect(s.imports[2]!.names).toEqual(['InvalidCursorError', 'Store']);
    expect(s.connection).toEqual([8, 8]);
    expect(s.sql.map((q) => q.line)).toEqual([5, 6, 6, 7, 9]);
  });

  it('holds in server/: SQL, drivers, connections and engines only in server/store/; store/ imports no domain module; routers ask services', () => {
    const files = sourceFiles(SERVER);
    expect(files.length).toBeGreaterThan(20);
    expect(files.some((f) => inside(STORE, f))).toBe(true);
    expect(breaches(files)).toEqual([]);
  });
});

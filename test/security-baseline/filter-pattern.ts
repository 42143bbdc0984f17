/**
 * A CloudWatch Logs JSON filter pattern evaluator, enough for the CIS metric
 * filters: `{ ... }` with `$.a.b = value`, `!=`, `NOT EXISTS`, `&&`, `||` and
 * parentheses; values quoted ("x", with `*` as a wildcard) or bare words.
 * Comparisons are case-sensitive, as CloudWatch Logs' are. A field that is
 * absent matches neither `=` nor `!=` (only `NOT EXISTS`), the conservative
 * reading: a sample event must carry the fields its filter tests.
 */
type Node =
  | { kind: 'and' | 'or'; left: Node; right: Node }
  | { kind: 'compare'; path: string[]; op: '=' | '!='; value: string }
  | { kind: 'notExists'; path: string[] };

const TOKEN = /\s*(\(|\)|&&|\|\||!=|=|NOT EXISTS|\$(?:\.[A-Za-z0-9_]+)+|"(?:[^"\\]|\\.)*"|[A-Za-z0-9_.*:-]+)/y;

function tokenize(body: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < body.trimEnd().length) {
    const start = TOKEN.lastIndex;
    const match = TOKEN.exec(body);
    if (!match) throw new Error(`cannot read the pattern at "${body.slice(start)}"`);
    tokens.push(match[1]);
  }
  return tokens;
}

function parse(pattern: string): Node {
  const trimmed = pattern.trim();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) throw new Error(`not a JSON filter pattern: ${pattern}`);
  const tokens = tokenize(trimmed.slice(1, -1));
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const expect = (t: string) => { if (next() !== t) throw new Error(`expected ${t} in ${pattern}`); };
  const primary = (): Node => {
    if (peek() === '(') {
      next();
      const inner = or();
      expect(')');
      return inner;
    }
    const selector = next();
    if (!selector?.startsWith('$.')) throw new Error(`expected a $. selector, got ${selector} in ${pattern}`);
    const path = selector.slice(2).split('.');
    const op = next();
    if (op === 'NOT EXISTS') return { kind: 'notExists', path };
    if (op !== '=' && op !== '!=') throw new Error(`unsupported operator ${op} in ${pattern}`);
    const raw = next();
    const value = raw.startsWith('"') ? JSON.parse(raw) as string : raw;
    return { kind: 'compare', path, op, value };
  };
  const and = (): Node => {
    let left = primary();
    while (peek() === '&&') { next(); left = { kind: 'and', left, right: primary() }; }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (peek() === '||') { next(); left = { kind: 'or', left, right: and() }; }
    return left;
  };
  const tree = or();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} in ${pattern}`);
  return tree;
}

function lookup(event: unknown, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), event);
}

function equals(actual: unknown, expected: string): boolean {
  if (actual === undefined || actual === null || typeof actual === 'object') return false;
  const wildcard = new RegExp(`^${expected.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return wildcard.test(String(actual));
}

function evaluate(node: Node, event: unknown): boolean {
  switch (node.kind) {
    case 'and': return evaluate(node.left, event) && evaluate(node.right, event);
    case 'or': return evaluate(node.left, event) || evaluate(node.right, event);
    case 'notExists': return lookup(event, node.path) === undefined;
    case 'compare': {
      const actual = lookup(event, node.path);
      if (actual === undefined) return false;
      return node.op === '=' ? equals(actual, node.value) : !equals(actual, node.value);
    }
  }
}

/** Whether a CloudWatch Logs JSON filter pattern matches a (CloudTrail) log event. */
export function filterMatches(pattern: string, event: unknown): boolean {
  return evaluate(parse(pattern), event);
}

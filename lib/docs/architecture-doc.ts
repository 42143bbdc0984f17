import { estimateStack, PriceData, StackEstimate } from './cost';
import { mermaidDiagram } from './diagram';
import { acknowledgementsIn, CfnTemplate, resourcesOf } from './template';

/** One stack to document. */
export interface DocumentedStack {
  /** Architecture name, e.g. `FanOut`. */
  readonly name: string;
  /** Stack name, e.g. `Sandbox-FanOut`. */
  readonly stackName: string;
  readonly description?: string;
  readonly template: CfnTemplate;
  /** The same stack in the other profile, for the cost comparison. */
  readonly production?: CfnTemplate;
}

const usd = (n: number) => (Number.isNaN(n) ? 'unknown' : `$${n.toFixed(2)}`);

/** Marks a generated block of a page: the text around it is written by hand and kept. */
const GENERATED_NOTE = '<!-- Written by `npm run docs` from the synthesized app: edit the constructs, not this block. -->';

/** The stack's one-line summary and its Mermaid diagram: the `diagram` block near the top of its page. */
export function diagramBlock(stack: DocumentedStack): string {
  return [
    GENERATED_NOTE,
    '',
    stack.description ? `${stack.description}. Stack \`${stack.stackName}\`.` : `Stack \`${stack.stackName}\`.`,
    '',
    '```mermaid',
    mermaidDiagram({ template: stack.template, prefix: stack.name }),
    '```',
  ].join('\n');
}

/** Resources, outputs, acknowledgements and idle cost: the `generated` block at the end of its page. */
export function referenceBlock(stack: DocumentedStack, prices: PriceData): string {
  const sandbox = estimateStack(stack.template, prices);
  const production = stack.production ? estimateStack(stack.production, prices) : undefined;
  return [
    GENERATED_NOTE,
    '',
    '## Resources',
    '',
    resourceTable(stack.template),
    '',
    '## Outputs',
    '',
    outputTable(stack.template),
    '',
    '## Acknowledged compliance rules',
    '',
    acknowledgementTable(stack.template),
    '',
    '## Idle cost',
    '',
    costSection(sandbox, production, prices),
  ].join('\n');
}

/**
 * A new Markdown page of one architecture: a title, room for the hand-written
 * description, and the generated blocks (diagram; resources, outputs,
 * acknowledgements, idle cost), which `npm run docs` rewrites in place.
 */
export function architectureDoc(stack: DocumentedStack, prices: PriceData): string {
  return [
    `# ${stack.name}`,
    '',
    '<!-- diagram:start -->',
    diagramBlock(stack),
    '<!-- diagram:end -->',
    '',
    '<!-- generated:start -->',
    referenceBlock(stack, prices),
    '<!-- generated:end -->',
    '',
  ].join('\n');
}

function resourceTable(template: CfnTemplate): string {
  const counts = new Map<string, number>();
  for (const [, r] of resourcesOf(template)) counts.set(r.Type, (counts.get(r.Type) ?? 0) + 1);
  const rows = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `| \`${type}\` | ${n} |`);
  return ['| type | count |', '|---|---:|', ...rows].join('\n');
}

function outputTable(template: CfnTemplate): string {
  const outputs = Object.entries(template.Outputs ?? {}).filter(([id]) => !id.startsWith('PublishOutput') && !id.startsWith('ExportsOutput'));
  if (outputs.length === 0) return 'None.';
  return ['| output | description |', '|---|---|', ...outputs.map(([id, o]) => `| \`${id}\` | ${o.Description ?? ''} |`)].join('\n');
}

function acknowledgementTable(template: CfnTemplate): string {
  // One row per rule and reason: one rule can be acknowledged for different reasons on different resources.
  const rules = new Map<string, { id: string; reason: string; resources: Set<string> }>();
  for (const { logicalId, ruleId, reason } of acknowledgementsIn(template)) {
    const key = `${ruleId}\n${reason}`;
    const entry = rules.get(key) ?? { id: ruleId, reason, resources: new Set<string>() };
    entry.resources.add(logicalId.replace(/[0-9A-F]{8}$/, ''));
    rules.set(key, entry);
  }
  if (rules.size === 0) return 'None: every rule of the five packs passes.';
  const rows = [...rules].sort(([a], [b]) => a.localeCompare(b))
    .map(([, e]) => `| \`${e.id.replace(/\|/g, '\\|')}\` | ${summarise([...e.resources].sort())} | ${e.reason.replace(/\|/g, '\\|')} |`);
  return ['| rule | on | reason |', '|---|---|---|', ...rows].join('\n');
}

/** At most four names, then how many more (an ACL rule covers every ACL entry). */
function summarise(names: string[]): string {
  return names.length <= 4 ? names.join(', ') : `${names.slice(0, 4).join(', ')} and ${names.length - 4} more`;
}

function costSection(sandbox: StackEstimate, production: StackEstimate | undefined, prices: PriceData): string {
  const lines = sandbox.lines.map((l) => `| ${l.what} | \`${l.logicalId.replace(/[0-9A-F]{8}$/, '')}\` | ${usd(l.monthly)} |`);
  const parts = [
    `Estimated monthly cost of leaving the Sandbox stack running idle, ${prices.region} list prices taken ${prices.takenOn} (\`lib/docs/prices/\`): **${usd(sandbox.total)}**${production ? `; the Production profile: **${usd(production.total)}**` : ''}.`,
    '',
    lines.length > 0 ? ['| item | resource | per month |', '|---|---|---:|', ...lines].join('\n') : 'Nothing in this stack costs money standing still.',
  ];
  if (sandbox.notPriced.length > 0) {
    parts.push('', `Not priced (unknown to the estimator): ${sandbox.notPriced.map((n) => `\`${n.logicalId}\` (${n.type})`).join(', ')}.`);
  }
  if (sandbox.usage.length > 0) {
    parts.push('', 'Charged per use, on top:', '', '| usage | price |', '|---|---|',
      ...sandbox.usage.map((u) => `| ${u.item} | $${u.price} per ${u.unit} |`));
  }
  return parts.join('\n');
}

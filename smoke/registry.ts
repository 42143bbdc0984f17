import * as fs from 'fs';
import * as path from 'path';
import { SmokeCheck } from './types';

/** Where the checks live: one file per architecture. */
export const CHECKS_DIR = path.join(__dirname, 'checks');

/** Whether an exported value is a check (an architecture, a name and a `run`). */
export function isSmokeCheck(value: unknown): value is SmokeCheck {
  const v = value as Partial<SmokeCheck> | null;
  return typeof v === 'object' && v !== null && typeof v.architecture === 'string' && typeof v.name === 'string' && typeof v.run === 'function';
}

/**
 * Every check exported by a file of `dir`, by file name, then in export order.
 * The registry is open: a check for a new architecture (say `DataTier`) is a
 * new file in smoke/checks exporting a {@link SmokeCheck}; nothing else changes.
 */
export function loadChecks(dir = CHECKS_DIR): SmokeCheck[] {
  const files = fs.readdirSync(dir).filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts')).sort();
  return files.flatMap((f) => Object.values(require(path.join(dir, f)) as Record<string, unknown>).filter(isSmokeCheck));
}

/** The architectures the checks cover, each once, in check order. */
export function architecturesOf(checks: readonly SmokeCheck[]): string[] {
  return [...new Set(checks.map((c) => c.architecture))];
}

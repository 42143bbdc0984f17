// npm run docs: writes docs/architectures/<architecture>.md for every stack of
// the default stage, and the generated blocks of README.md (diagrams, NAT costs).
import * as fs from 'fs';
import * as path from 'path';
import { generateDocs } from '../lib/docs/generate';

const root = path.join(__dirname, '..');
for (const [file, content] of generateDocs()) {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), content);
  console.log(`wrote ${file}`);
}

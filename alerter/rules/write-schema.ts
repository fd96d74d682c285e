import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ruleFileEditorSchema } from './schema';

/**
 * Writes rules/schema.json from the same zod schema the checker uses. Editors pick it up with
 * `# yaml-language-server: $schema=./schema.json` at the top of a rule file.
 * Run: npx tsx alerter/rules/write-schema.ts [out]
 */
export function ruleJsonSchema(): Record<string, unknown> {
  return {
    title: 'lookout rule file',
    ...z.toJSONSchema(ruleFileEditorSchema, { io: 'input', unrepresentable: 'any' }),
  };
}

if (require.main === module) {
  const out = process.argv[2] ?? path.join(__dirname, '../../rules/schema.json');
  fs.writeFileSync(out, `${JSON.stringify(ruleJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${out}`);
}

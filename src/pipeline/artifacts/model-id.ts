import fs from 'node:fs';

/**
 * Next `<name>@<version>` id from the model folders on disk (version = highest + 1). The registry
 * takes over numbering once it exists; until then the folders are the record.
 */
export function nextModelId(modelsDir: string, name: string): string {
  const pattern = new RegExp(`^(?:\\.tmp-)?${name}@(\\d+)`);
  let max = 0;
  if (fs.existsSync(modelsDir)) {
    for (const entry of fs.readdirSync(modelsDir)) {
      const m = pattern.exec(entry);
      if (m) max = Math.max(max, Number(m[1]));
    }
  }
  return `${name}@${max + 1}`;
}

import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's root (holds data/, strategies/, prompts/), from src/ or dist/ alike. */
export function packageRoot(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
}

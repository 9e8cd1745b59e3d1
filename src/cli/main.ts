#!/usr/bin/env node
import { main } from './program.js';

export { buildProgram, main } from './program.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);

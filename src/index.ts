export { WordloomError, type ErrorCode } from './errors.js';

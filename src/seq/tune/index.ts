export {
  randomSearch,
  type SearchParameter, type ParameterValue, type Trial, type TrialStatus, type RandomSearchOptions, type RandomSearchResult, type AutotuneRecord,
} from './random-search.js';

export { runPosture } from './runner';
export { CHECKS } from './checks/index';
export { PostureContext } from './context';
export { sortFindings, notEvaluated, NOT_EVALUATED } from './findings';
export type { PostureCheck } from './types';

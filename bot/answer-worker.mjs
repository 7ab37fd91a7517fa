// Worker threads start without the TypeScript loader of whoever started the process (node --import
// tsx, vitest), so each registers tsx itself before loading the worker's code.
import { register } from 'tsx/esm/api';

register();
const { default: run } = await import('./answer-worker.ts');
export default run;

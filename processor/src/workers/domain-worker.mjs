// Entry of a domain worker thread (start-domain-worker.ts). Node 20 does not carry the tsx
// loader into worker threads, whether the parent registered it with register() (bin/vigia.js)
// or `node --import tsx` (the tests): each thread registers its own before importing TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./domain-worker-main.ts');

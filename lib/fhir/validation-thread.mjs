// The entry of a bundle-validation thread (validation-threads.ts): TypeScript is loaded through tsx's API, since a
// worker thread does not inherit the process's --import hooks; then the handler (validation-thread.ts) takes over.
import { register } from 'tsx/esm/api';

register();
await import('./validation-thread.ts');

import { failedToStart, runRelay } from './run-relay';

// `npm start`: the relay with its built-in handlers (your own entry passes its modules: `runRelay([YourModule])`).
runRelay().catch(failedToStart);

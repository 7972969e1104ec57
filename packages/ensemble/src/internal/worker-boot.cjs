// Source-mode bootstrap of WorkerPool's worker (tests and benches run against src): Node 20 has
// no ESM loader hooks inside worker threads, so register tsx's CommonJS hook and require the
// TypeScript worker module. The built package loads dist/worker.js instead.
require('tsx/cjs');
module.exports = require('./worker.ts');

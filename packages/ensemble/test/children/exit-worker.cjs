// A tinypool worker that loads the ensemble worker module (which replaces process.exit) and then
// calls process.exit, as a misbehaving member would.
require('tsx/cjs');
require('../../src/internal/worker.ts');
module.exports = () => {
  try {
    process.exit(3);
  } catch (e) {
    return { name: e.name, message: e.message };
  }
  return { name: 'none', message: 'process.exit returned' };
};

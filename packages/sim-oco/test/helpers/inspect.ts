/**
 * The invariant checks read the manager's stored records, which @x/oco keeps internal (not in its
 * exports or declarations); tests in this workspace reach them through the source tree.
 */
export { inspectGroup, inspectOrder } from '../../../oco/src/internal/inspect.js';

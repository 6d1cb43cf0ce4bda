import wasi from './index.js';

export const { WASI } = wasi;
export default wasi;

import { fpdbVitestConfig } from './config/vitest-config.mjs';

export default fpdbVitestConfig();

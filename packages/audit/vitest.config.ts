import { fpdbVitestConfig } from '@fpdb/internal/vitest-config';

export default fpdbVitestConfig();

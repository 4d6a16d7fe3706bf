import { fpdbTsupConfig } from '@fpdb/internal/tsup-config';

export default fpdbTsupConfig({ entry: { index: 'src/index.ts', tfjs: 'src/tfjs.ts' } });

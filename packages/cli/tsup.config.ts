import { fpdbTsupConfig } from '@fpdb/internal/tsup-config';

export default fpdbTsupConfig({ entry: { index: 'src/index.ts', bin: 'src/bin.ts' } });

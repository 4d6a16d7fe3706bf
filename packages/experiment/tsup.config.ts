import { fpdbTsupConfig } from '@fpdb/internal/tsup-config';

export default fpdbTsupConfig({ entry: { index: 'src/index.ts', node: 'src/node.ts' } });

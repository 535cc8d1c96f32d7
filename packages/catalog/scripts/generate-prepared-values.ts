import { writeFileSync } from 'node:fs';
import { models } from '../src/registry.ts';
import {
  formatWithBiome,
  PREPARED_VALUES_PATH,
  preparedValuesPath,
  preparedValuesSource,
} from './prepared-values-source.ts';

// Writes packages/catalog/src/prepared-values.ts from the catalog: `npm run generate:types`.
writeFileSync(preparedValuesPath(), formatWithBiome(preparedValuesSource(models)));
process.stdout.write(`wrote ${PREPARED_VALUES_PATH} (${models.length} models)\n`);

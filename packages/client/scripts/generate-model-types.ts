import { writeFileSync } from 'node:fs';
import { models } from '@reelay/catalog';
import { formatWithBiome, MODEL_TYPES_PATH, modelTypesPath, modelTypesSource } from './model-types-source.ts';

// Writes packages/client/src/model-inputs.ts from the catalog: `npm run generate:types`.
writeFileSync(modelTypesPath(), formatWithBiome(modelTypesSource(models)));
process.stdout.write(`wrote ${MODEL_TYPES_PATH} (${models.length} models)\n`);

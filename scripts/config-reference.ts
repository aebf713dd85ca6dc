// Prints the configuration reference table for the README (between its config-reference markers).
import { configReferenceTable } from '../packages/kernel/src/config/config-reference.ts';

console.log(configReferenceTable());

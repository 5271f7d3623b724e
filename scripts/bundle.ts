// npm run bundle: one bundled OpenAPI document per API under generated/.
import { GENERATED } from './lib/apis';
import { bundleAll } from './lib/emit';

bundleAll(GENERATED);
console.log('bundled into generated/');

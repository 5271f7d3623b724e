// npm run generate: openapi-typescript types for every bundle under generated/.
import { GENERATED } from './lib/apis';
import { generateAll } from './lib/emit';

generateAll(GENERATED).then(() => console.log('generated types into generated/'));

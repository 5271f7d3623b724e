// Where the browser tests find Chromium: Debian's (installed by .ci/run), or the one CRM_CHROMIUM_PATH names
// (GitHub's Ubuntu runners ship Google Chrome at /usr/bin/google-chrome; the CI workflow sets it).
import { existsSync } from 'node:fs';

export const CHROMIUM = [process.env.CRM_CHROMIUM_PATH, '/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((path): path is string => Boolean(path) && existsSync(path!));
// .ci/run sets this only when it could not install chromium (no root); the skip is then printed loudly there.
export const SKIP_BROWSER = !CHROMIUM && process.env.CRM_BROWSER_TESTS === 'skip';

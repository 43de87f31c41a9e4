import { fileURLToPath } from 'node:url';
import { helpdeskHttpSuite } from '../../helpdesk-common/test/helpdesk-http-suite.js';

// Starts the example as a user does, on the built packages (`pnpm build` first).
helpdeskHttpSuite('koa-helpdesk', fileURLToPath(new URL('..', import.meta.url)));

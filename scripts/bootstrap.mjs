#!/usr/bin/env node
// Makes a fresh checkout runnable with nothing but Node 20 and npm: installs pnpm 12 if it is
// missing (corepack's download is not relied on), installs the workspace from the lockfile and
// builds every package, because the examples and the demo run the built packages.
import { execSync } from 'node:child_process';

const PNPM_VERSION = '12.4.2';

function run(command) {
  execSync(command, { stdio: 'inherit' });
}

function installedPnpmVersion() {
  try {
    return execSync('pnpm --version', { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return null;
  }
}

const [major] = process.versions.node.split('.').map(Number);
if (major < 20) {
  console.error(`Hookdesk needs Node.js 20.19 or newer; this is ${process.version}.`);
  process.exit(1);
}
if (installedPnpmVersion() !== PNPM_VERSION) {
  console.log(`Installing pnpm ${PNPM_VERSION} with npm…`);
  run(`npm install --global pnpm@${PNPM_VERSION}`);
}
run(process.env.CI ? 'pnpm install --frozen-lockfile' : 'pnpm install --prefer-offline');
run('pnpm run build');

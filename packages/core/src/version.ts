import packageJson from '../package.json' with { type: 'json' };

/** The version of `@hookdesk/core`, sent as `User-Agent: hookdesk/<version>`. */
export const VERSION: string = packageJson.version;

export const USER_AGENT = `hookdesk/${VERSION}`;

/**
 * Imports a backend package only when it is used, so an embedded-store user never loads (or
 * installs) the Redis or PostgreSQL client. A missing package is an error that says what to run.
 */
export async function importOptional<T>(name: string, range: string, purpose: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new Error(
        `${purpose} needs the package ${name}, which is not installed. Install it next to @hookdesk/storage: ` +
          `\`npm install ${name}@${range}\` (or pnpm add / yarn add).`,
        { cause: error },
      );
    }
    throw error;
  }
}

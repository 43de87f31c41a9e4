import type { DeliveryRecord, HookdeskStorage } from '@hookdesk/storage';
import type { ExtensionAdminRoute } from '../admin/admin-routes.js';
import { deliveryUuidFor } from '../event-id.js';
import type { ExtensionContext, HookdeskExtension } from '../extension.js';
import type { ResolvedOptions } from '../options.js';
import { type AddressGuard, urlProblem } from '../ssrf-guard.js';
import type { EngineGuard } from './engine-guard.js';

export interface ExtensionRegistryParts {
  options: ResolvedOptions;
  storage: HookdeskStorage;
  addressGuard: AddressGuard;
  guard: EngineGuard;
}

/** The extensions installed on one engine (`hookdesk.extend`): their lifecycle, routes and URLs. */
export class ExtensionRegistry {
  readonly #p: ExtensionRegistryParts;
  readonly #extensions: HookdeskExtension[] = [];
  #adminRoutes: readonly ExtensionAdminRoute[] = [];
  #started = false;

  constructor(parts: ExtensionRegistryParts) {
    this.#p = parts;
  }

  /** `Hookdesk.extend`: an extension started at once when the engine has started already. */
  install<E extends HookdeskExtension>(setup: (context: ExtensionContext) => E): E {
    this.#p.guard.assertOpen();
    const extension = setup(this.#context());
    if (!extension || typeof extension.name !== 'string' || extension.name.length === 0) {
      throw new TypeError('An extension must have a `name`.');
    }
    if (this.#extensions.some((e) => e.name === extension.name)) {
      throw new TypeError(`The extension ${extension.name} is installed on this Hookdesk already.`);
    }
    this.#extensions.push(extension);
    if (extension.adminRoutes) this.#adminRoutes = [...this.#adminRoutes, ...extension.adminRoutes];
    if (this.#started) extension.start?.();
    return extension;
  }

  adminRoutes(): readonly ExtensionAdminRoute[] {
    return this.#adminRoutes;
  }

  /** Starts every extension installed, and from now on each one as it is installed. */
  start(): void {
    this.#started = true;
    for (const extension of this.#extensions) extension.start?.();
  }

  /** Stops every extension, side by side. */
  stop(): Promise<unknown> {
    return Promise.all(this.#extensions.map((extension) => extension.stop?.()));
  }

  /** The URL a delivery no webhook owns goes to now, from the first extension that knows it. */
  async currentUrl(record: DeliveryRecord): Promise<string | undefined> {
    for (const extension of this.#extensions) {
      const url = await extension.currentUrl?.(record);
      if (url !== undefined) return url;
    }
    return undefined;
  }

  #context(): ExtensionContext {
    const { options: o, storage, addressGuard, guard } = this.#p;
    return {
      storage,
      clock: o.clock,
      logger: o.logger,
      cacheMs: o.cacheMs,
      urlProblem: (url) => urlProblem(new URL(url), addressGuard, o.resolve),
      deliveryUuid: deliveryUuidFor,
      assertOpen: () => guard.assertOpen(),
    };
  }
}

import { deliveryListingConformance } from './delivery-listing-conformance.js';
import { deliveryPurgeConformance } from './delivery-purge-conformance.js';
import { deliveryRecordsConformance } from './delivery-records-conformance.js';
import { deliveryStatsConformance } from './delivery-stats-conformance.js';
import type { StorageContext } from './storage-context.js';

/** The delivery log, on the 24 deliveries of `deliveryFixture` where a case needs many. */
export function deliveryLogConformance(ctx: StorageContext): void {
  ctx.test.describe('delivery log', () => {
    deliveryRecordsConformance(ctx);
    deliveryListingConformance(ctx);
    deliveryPurgeConformance(ctx);
    deliveryStatsConformance(ctx);
  });
}

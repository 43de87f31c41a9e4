import { entityRepository } from './entity-repository.js';
import type { OrderedIndex } from './ordered-index.js';
import type { RecordStore } from './record-store.js';
import type { WebhookDeliveryHealth, WebhookRecord } from './records.js';
import type { WebhookRepository } from './repositories.js';
import { webhookHealthSchema, webhookSchema } from './schemas.js';
import { INDEX_SETS, STORAGE_KEYS } from './storage-keys.js';
import { validInput } from './valid-input.js';

function healthOf(source: WebhookDeliveryHealth): WebhookDeliveryHealth {
  return {
    lastSuccessAt: source.lastSuccessAt,
    lastFailureAt: source.lastFailureAt,
    failingSince: source.failingSince,
  };
}

/** The record as readers see it: the health written apart, when there is one, wins. */
function withHealth(record: WebhookRecord, health: WebhookDeliveryHealth | undefined): WebhookRecord {
  return health === undefined ? record : { ...record, ...healthOf(health) };
}

/**
 * Webhooks: an entity record per id, plus the delivery health under a key of its own. The delivery
 * bookkeeping writes only that key, so it never writes back a stale copy of what an admin edited
 * meanwhile, in this process or another (Keyv has no compare-and-set to guard a whole-record write).
 */
export function webhookRepository(records: RecordStore, index: OrderedIndex): WebhookRepository {
  const entities = entityRepository<WebhookRecord>(records, index, webhookSchema, {
    what: 'webhook',
    key: STORAGE_KEYS.webhook,
    set: INDEX_SETS.webhooks,
  });
  const healthKey = STORAGE_KEYS.webhookHealth;

  return {
    async list() {
      const list = await entities.list();
      const health = await records.readMany(
        list.map((webhook) => healthKey(webhook.id)),
        webhookHealthSchema,
      );
      return list.map((webhook, at) => withHealth(webhook, health[at]));
    },

    async get(id) {
      const [record, health] = await Promise.all([
        entities.get(id),
        records.read(healthKey(id), webhookHealthSchema),
      ]);
      return record && withHealth(record, health);
    },

    async put(record) {
      validInput(webhookSchema, record, 'webhook');
      // The record and its health in one write; the id after them, as for every entity: a crash
      // in between leaves an unlisted record, never a listed id without one.
      await records.write([
        { key: STORAGE_KEYS.webhook(record.id), value: record },
        { key: healthKey(record.id), value: healthOf(record) },
      ]);
      await index.update({ add: [{ set: INDEX_SETS.webhooks, member: record.id }] });
    },

    async recordHealth(id, health) {
      validInput(webhookHealthSchema, health, 'webhook health');
      await records.write([{ key: healthKey(id), value: healthOf(health) }]);
    },

    async delete(id) {
      const deleted = await entities.delete(id);
      // A health write racing the delete can leave this key behind; no id is ever reused.
      await records.remove(healthKey(id));
      return deleted;
    },
  };
}

import { z } from 'zod';

/**
 * Where Hookdesk sends: a webhook's `url` and a smart rule's `action.url`. http(s) only, and no
 * credentials in the URL (they would be logged with it). The SSRF check needs DNS, so the engine
 * runs it on save, after this schema.
 */
export const targetUrlSchema = z
  .string({ error: 'Enter the URL to call, such as https://example.com/hooks.' })
  .superRefine((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'Enter a full URL such as https://example.com/hooks.' });
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      ctx.addIssue({
        code: 'custom',
        message: `The URL must start with http:// or https://, not ${parsed.protocol}//.`,
      });
    }
    if (parsed.username || parsed.password) {
      ctx.addIssue({ code: 'custom', message: 'Put credentials in a custom header, not in the URL.' });
    }
  });

// The console's API types (console/src/api/schema.d.ts) are generated from the service's OpenAPI document; a route
// changed without regenerating them fails here, before the console calls it wrongly.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument, SCHEMA_FILE, schemaTypes } from '../../scripts/console-api.js';

describe('the console’s typed API client', () => {
  it('is generated from the OpenAPI document as it is now (else: npm run console:api)', async () => {
    const fresh = await schemaTypes(await openApiDocument());
    expect(fresh.length).toBeGreaterThan(10_000);
    // Not toBe on 800 KB of text: a stale file fails with a short message that says what to run.
    expect(fresh === readFileSync(SCHEMA_FILE, 'utf8'), 'console/src/api/schema.d.ts is stale: run `npm run console:api` and commit it').toBe(true);
  });
});

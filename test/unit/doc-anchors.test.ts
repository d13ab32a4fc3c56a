// The fixture-to-documentation links (test/support/doc-anchors.ts): GitHub-style anchors, and a
// reference to a missing section or file is reported.
import { describe, expect, it } from 'vitest';

import { markdownAnchors, missingDocSections } from '../support/doc-anchors.js';

describe('doc anchors', () => {
  it('derives anchors as GitHub renders them', () => {
    const anchors = markdownAnchors('# The semantics, and where\n## JWT\n```\n# not a heading\n```\n## JWT\n## Identity and trust domains\n');
    expect([...anchors]).toEqual(['the-semantics-and-where', 'jwt', 'jwt-1', 'identity-and-trust-domains']);
  });

  it('reports references to sections or files that do not exist', () => {
    expect(missingDocSections(['docs/semantics.md#jwt', 'docs/semantics.md#the-evaluation-oracle'])).toEqual([]);
    expect(missingDocSections(['docs/semantics.md#no-such-section', 'docs/missing.md#jwt', 'semantics.md'])).toEqual(['docs/semantics.md#no-such-section', 'docs/missing.md#jwt', 'semantics.md']);
  });
});

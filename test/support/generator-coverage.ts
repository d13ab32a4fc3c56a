// What a property test actually exercised. A property that skips cases (`continue`, an early return)
// or loops over what may be empty passes vacuously when its generator drifts to trivial cases; counting
// the cases it checked, by kind, and asserting minimum shares after `fc.assert` makes that drift fail.
import { expect } from 'vitest';

export class GeneratorCoverage {
  private readonly hits = new Map<string, number>();
  private cases = 0;

  constructor(private readonly name: string) {}

  /** Counts one case and each label that holds for it. */
  note(labels: Readonly<Record<string, boolean>> = {}): void {
    this.cases += 1;
    for (const [label, holds] of Object.entries(labels)) if (holds) this.hits.set(label, (this.hits.get(label) ?? 0) + 1);
  }

  get total(): number {
    return this.cases;
  }

  count(label: string): number {
    return this.hits.get(label) ?? 0;
  }

  share(label: string): number {
    return this.cases === 0 ? 0 : this.count(label) / this.cases;
  }

  /** Fails unless at least `minCases` cases were counted and each label holds for its minimum share of them. */
  expectShares(minimums: Readonly<Record<string, number>>, minCases = 1): void {
    const report = `${this.name}: ${this.cases} cases, ${JSON.stringify(Object.fromEntries([...this.hits].map(([k, v]) => [k, Math.round((v / Math.max(1, this.cases)) * 1000) / 1000])))}`;
    if (process.env.GIC_COVERAGE_REPORT === '1') console.info(`[coverage] ${report}`);
    expect(this.cases, report).toBeGreaterThanOrEqual(minCases);
    for (const [label, min] of Object.entries(minimums)) expect(this.share(label), `${report}: share of "${label}"`).toBeGreaterThanOrEqual(min);
  }
}

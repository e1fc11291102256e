import type { ItemOutcome } from './ingestors';

/** Counts of an import and its failures grouped by reason. */
export class ImportSummary {
  created = 0;
  updated = 0;
  unchanged = 0;
  failed = 0;
  /** Stopped by Ctrl-C before every file was read. */
  interrupted = false;
  private readonly reasons = new Map<string, { count: number; examples: string[] }>();

  add(outcome: ItemOutcome, location: string): void {
    this[outcome.status]++;
    if (outcome.status !== 'failed') return;
    const reason = `${outcome.error?.code ?? 'failed'}: ${outcome.error?.message ?? 'unknown reason'}`;
    const group = this.reasons.get(reason) ?? { count: 0, examples: [] };
    group.count++;
    if (group.examples.length < 3) group.examples.push(location);
    this.reasons.set(reason, group);
  }

  get total(): number {
    return this.created + this.updated + this.unchanged + this.failed;
  }

  /** The human summary printed at the end of an import. */
  render(seconds: number, maxReasons = 15): string {
    const rate = seconds > 0 ? Math.round(this.total / seconds) : this.total;
    const lines = [
      `${this.total} dispatches in ${seconds.toFixed(1)} s (${rate}/s)${this.interrupted ? ', interrupted' : ''}`,
      `  created    ${this.created}`,
      `  updated    ${this.updated}`,
      `  unchanged  ${this.unchanged}`,
      `  failed     ${this.failed}`,
    ];
    const groups = [...this.reasons.entries()].sort((a, b) => b[1].count - a[1].count);
    if (groups.length > 0) lines.push('Failures by reason:');
    for (const [reason, { count, examples }] of groups.slice(0, maxReasons)) {
      lines.push(`  ${count} × ${reason}`, `      e.g. ${examples.join(', ')}`);
    }
    if (groups.length > maxReasons) lines.push(`  ... and ${groups.length - maxReasons} more reasons`);
    return `${lines.join('\n')}\n`;
  }
}

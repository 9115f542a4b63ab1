import { describe, expect, it } from 'vitest';
import { draftOf, rulesFromDraft } from '../../client/review/rulesDraft.js';
import { formulasOf } from '../../server/evaluation/indicators.js';
import { DEFAULT_RULES } from '../../server/evaluation/rules.js';

describe("the review's rules editor draft", () => {
  it('holds every scored indicator of the level, and gives back rules with only that level changed', () => {
    const d = draftOf(DEFAULT_RULES, 'unit', formulasOf('unit'));
    // returns is a count: shown, never weighed.
    expect(Object.keys(d.weights)).toEqual(['handlingRate', 'onTimeHandlingRate', 'reworkRate', 'overdueUnhandledRate', 'extensionRate']);
    expect(d.weights.onTimeHandlingRate).toBe('40');
    const r = rulesFromDraft(DEFAULT_RULES, 'unit', { ...d, weights: { ...d.weights, reworkRate: '0', handlingRate: '35' }, grades: { ...d.grades, pass: '65' } })!;
    expect(r.weights.unit).toEqual({ onTimeHandlingRate: 40, handlingRate: 35, overdueUnhandledRate: 15, extensionRate: 10 });
    expect(r.weights.town).toEqual(DEFAULT_RULES.weights.town);
    expect(r.grades).toEqual({ excellent: 90, good: 80, pass: 65 });
  });

  it('refuses to make rules from an input that is not a number', () => {
    const d = draftOf(DEFAULT_RULES, 'town', formulasOf('town'));
    expect(rulesFromDraft(DEFAULT_RULES, 'town', { ...d, weights: { ...d.weights, closureRate: 'abc' } })).toBeNull();
    expect(rulesFromDraft(DEFAULT_RULES, 'town', { ...d, grades: { ...d.grades, good: '' } })).toBeNull();
  });
});

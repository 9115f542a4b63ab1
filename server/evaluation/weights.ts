import type { EvaluationLevel, IndicatorId } from '../../shared/index.js';

/**
 * How much each indicator weighs in its level's composite score (权重). A default table, in the
 * spirit of the published city rules (Jinhua gives on-time closure 50 of 100 points and closure 20):
 * the timeliness of the whole chain weighs most, counts and densities are shown but not scored (they
 * grow with the size of a region, not with how well it is run). One module so that an admin's table
 * can replace it later; weights are relative, the composite divides by the weights it used.
 */
export type WeightTable = Record<EvaluationLevel, Partial<Record<IndicatorId, number>>>;

const REGION: Partial<Record<IndicatorId, number>> = {
  onTimeClosureRate: 50,
  closureRate: 20,
  satisfactionRate: 15,
  publicShare: 10,
  callbackRate: 5,
};

export const DEFAULT_WEIGHTS: WeightTable = {
  town: REGION,
  community: REGION,
  cell: REGION,
  unit: { onTimeHandlingRate: 40, handlingRate: 20, reworkRate: 15, overdueUnhandledRate: 15, extensionRate: 10 },
  inspector: { reportAccuracy: 30, timelyConfirmRate: 25, timelyVerifyRate: 25, missRate: 20 },
  acceptor: { onTimeAcceptRate: 100 },
  shiftLead: { onTimeRegisterRate: 40, accurateRegisterRate: 30, onTimeCloseRate: 30 },
  dispatcher: { onTimeDispatchRate: 50, accurateDispatchRate: 50 },
};

/** An indicator's weight at a level (0: shown, not scored). */
export function weightOf(level: EvaluationLevel, id: IndicatorId, table: WeightTable = DEFAULT_WEIGHTS): number {
  return table[level][id] ?? 0;
}

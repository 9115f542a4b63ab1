/**
 * Responsibility (责任网格): who answers for each unit grid cell — its inspector (监督员), grid worker
 * (网格员) and grid head (网格长) — and the units responsible for what lies in it.
 */
export { CellDirectory, responsibilityCells, type ResponsibilityCell } from './cells.js';
export { unitsOfCells } from './cellUnits.js';
export { defaultRoster, INSPECTOR_LOAD_CELLS, LOAD_SLACK, WORKER_MAX_GRIDS, type DefaultGridAssignment, type DefaultRoster } from './defaultRoster.js';
export { defaultResponsibility, inspectorOfCell, Responsibility, RESPONSIBILITY_ROLES, rosterAssignments, type Assignment } from './responsibility.js';
export { ResponsibilityService, type ResponsibilityServiceDeps } from './responsibilityService.js';
export { seedDefaultRoster } from './seedRoster.js';
export { cellsInPolygon, selectCells } from './selection.js';

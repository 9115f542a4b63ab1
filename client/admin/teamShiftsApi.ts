import type { Department, Shift, Team, TeamShiftView } from '../../shared/index.js';
import { request } from '../cases/caseApi.js';

/** The teams' working hours endpoints (admins): list, set one, restore one's default. */
export function fetchTeamShifts(): Promise<TeamShiftView[]> {
  return request<TeamShiftView[]>('/api/teams/shifts');
}

export function saveTeamShift(teamId: string, shift: Shift): Promise<TeamShiftView> {
  return request<TeamShiftView>(`/api/teams/${encodeURIComponent(teamId)}/shift`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ shift }),
  });
}

export function restoreTeamShift(teamId: string): Promise<TeamShiftView> {
  return request<TeamShiftView>(`/api/teams/${encodeURIComponent(teamId)}/shift`, { method: 'DELETE' });
}

/** The teams as the live picture has them now (name, town, status) and the departments' names. */
export function fetchTeams(): Promise<Team[]> {
  return request<Team[]>('/api/teams');
}

export function fetchDepartments(): Promise<Department[]> {
  return request<Department[]>('/api/departments');
}

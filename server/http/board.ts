import { Router } from 'express';
import type { BoardService } from '../board/boardService.js';

/**
 * `GET /api/board/summary`: the leader's figures for the main board and the wall (BoardSummary in
 * shared/schema/board.ts). Counts only, no personal data.
 */
export function boardRouter(board: Pick<BoardService, 'summary'>): Router {
  const r = Router();
  r.get('/board/summary', async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await board.summary());
  });
  return r;
}

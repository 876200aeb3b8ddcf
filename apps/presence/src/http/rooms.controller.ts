import { Controller, Get, NotFoundException, Param } from '@nestjs/common';
import { Roster, type RoomView } from '../roster/roster';

/** One online member as served over HTTP. */
export interface OnlineMemberBody {
  memberId: string;
  /** eventTime (ms since the epoch) at which the member came online. */
  since: number;
  /** Cause of the event that brought the member online (`enter`, `heartbeat_recover`...). */
  cause: string;
}

/** The rosters over HTTP; 404 for a room no event has mentioned. */
@Controller('rooms')
export class RoomsController {
  constructor(private readonly roster: Roster) {}

  @Get(':roomId/members')
  members(@Param('roomId') roomId: string): { roomId: string; members: OnlineMemberBody[] } {
    const members = this.roster.onlineMembers(roomId);
    if (members === undefined) throw new NotFoundException(`room ${roomId} is not known`);
    return { roomId, members: members.map(({ memberId, since, cause }) => ({ memberId, since, cause })) };
  }

  @Get(':roomId')
  room(@Param('roomId') roomId: string): RoomView {
    const view = this.roster.view(roomId);
    if (view === undefined) throw new NotFoundException(`room ${roomId} is not known`);
    return view;
  }
}
